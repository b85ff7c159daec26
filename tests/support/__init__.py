"""Helpers shared by several test modules: test modules never import one another.

Fixtures (the demo warehouse, apps, logged-in clients, the component-tree walker, the
tiny warehouse) are in `tests/conftest.py`.
"""
