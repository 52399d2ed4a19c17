"""The web chat: a WeChat-style conversation page for workers without WeChat."""
