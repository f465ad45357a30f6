"""Facts to RDF, the store, import/export, networkx analysis and HTML views."""
