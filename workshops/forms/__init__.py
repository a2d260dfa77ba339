"""Forms, one module per area, as services/ and selectors/ are."""
