"""SQL built once from model metadata for the hot paths, beside the ORM. See README.md here.

``switch.fast_path()`` decides, on every call, whether they take it or the plain ORM.
"""
