"""Access by signed convention: users, login, perimeter scope, audit log, administration.

`auth.setup.init_auth(app, settings)` wires it into the Dash app.
"""
