"""The paste-and-review window (Mask and Unmask tabs)."""

from app.ui.review.window import ReviewWindow

__all__ = ["ReviewWindow"]
