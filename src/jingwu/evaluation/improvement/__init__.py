"""The quarterly PDCA improvement lists and the case library."""
