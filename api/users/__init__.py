"""Staff accounts (staff, lawyer, admin) and their authentication."""
