"""Worker-facing channels: the WeChat Official Account webhook and the web chat."""
