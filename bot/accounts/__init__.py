"""Dashboard accounts: users with roles, password hashing, sign-in with lockout, and the `trolyso user` commands."""
