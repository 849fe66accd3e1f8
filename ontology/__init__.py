"""The paperkg ontology, SHACL shapes and SPARQL query library (data files, installed as ``kg.ontology``)."""
