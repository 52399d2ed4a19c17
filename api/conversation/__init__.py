"""Worker conversations: message store, de-duplication, routing between the bot and an open case."""
