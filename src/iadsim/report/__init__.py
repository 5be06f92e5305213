"""Human-readable reports: console tables."""
