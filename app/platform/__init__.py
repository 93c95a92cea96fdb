"""Thin operating-system adapters (hotkeys, clipboard hints, autostart) behind small interfaces."""
