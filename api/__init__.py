"""laborbot web application: channels, lawyer console, staff admin and JSON API."""
