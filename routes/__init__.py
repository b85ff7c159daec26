"""Flask routes that serve data outside Dash's callbacks (behind the same auth gate)."""
