"""Data to try and measure xuncha on: synthetic repositories and a realistic git history for the demo."""
