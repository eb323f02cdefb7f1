"""The ``jingwu`` command line: a root group, shell commands, and every domain's ``cli``."""
