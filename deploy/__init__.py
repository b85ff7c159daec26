"""Files to run the portal on more than one machine (see deploy/README.md)."""
