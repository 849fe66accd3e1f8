"""The paperkg ontology, SHACL shapes and SPARQL query library.

Data files, installed as the ``kg.ontology`` package so they are found the same way
from an editable install and from a wheel.
"""
