"""Printable packs: assembling their HTML from agreed versions, and rendering it to PDF."""
