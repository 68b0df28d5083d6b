"""A point source the product does not ship, as a contributor would add it: see
tests/test_adding_a_source.py. The files here are everything a new source and its indicator
take: `schools.py` (would go in data_loaders/, plus one line in its registry),
`distance_school.sql` (would go in queries/indicators/) and `framework_entry.toml` (would
be appended to data/framework.toml). The CSV is a hand-written fixture in an invented but
plausible Get Information About Schools layout: every value is invented."""
