"""The bundled offline demo: three aigcdaily-style sites generated from text we wrote."""
