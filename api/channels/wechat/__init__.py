"""WeChat Official Account server protocol: webhook, passive replies, customer-service pushes."""
