"""Cases for the union lawyers: handoff from the bot, claim/transfer/reply/close, notes and audit trail."""
