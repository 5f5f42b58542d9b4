"""The interactive face: the Textual app. The only package that imports textual."""
