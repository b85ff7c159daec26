"""Access by signed convention: users, login, perimeter scope, audit log, administration."""
