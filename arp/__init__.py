"""West Midlands Anti-Racist Places: the domain logic behind the dashboard."""

__version__ = "0.1.0"
