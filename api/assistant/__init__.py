"""What the bot answers to a message: NLU result + knowledge base + triage → one reply.

The live bot (through the Rasa action server) and the staff preview (POST /api/v1/ask) both use
compose_reply, so the preview shows exactly what a worker would get.
"""
