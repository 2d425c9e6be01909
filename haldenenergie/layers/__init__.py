"""Constraint layers: forest, housing, protected areas, landmarks, heap outlines, open land."""
