"""Read side: queries for screens, exports and the API. Reads only, aggregates in SQL."""
