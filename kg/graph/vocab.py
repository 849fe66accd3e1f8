"""The vocabulary: every class and property the graph uses, in one place.

Terms are declared in ``ontology/paperkg.ttl`` (borrowed ones too); a test checks
that each term here is declared there and that the graph uses no other term.
Code refers to terms only through this module, never as IRI strings.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

ONTOLOGY_IRI = "https://w3id.org/paperkg/ontology"
DEFAULT_BASE = "https://w3id.org/paperkg/"

NAMESPACES: dict[str, str] = {
    "pkg": ONTOLOGY_IRI + "#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "sioc": "http://rdfs.org/sioc/ns#",
    "fair4ml": "https://w3id.org/fair4ml#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def _term(prefix: str, local: str) -> NamedNode:
    return NamedNode(NAMESPACES[prefix] + local)


# RDF, RDFS, XSD
TYPE = _term("rdf", "type")
LABEL = _term("rdfs", "label")
XSD_DATE = _term("xsd", "date")
XSD_INTEGER = _term("xsd", "integer")

# Classes
PREPRINT = _term("fabio", "Preprint")
SCHOLARLY_ARTICLE = _term("schema", "ScholarlyArticle")
PERSON = _term("schema", "Person")
AUTHORSHIP = _term("pkg", "Authorship")
CONCEPT = _term("skos", "Concept")
CONCEPT_SCHEME = _term("skos", "ConceptScheme")
SOFTWARE_SOURCE_CODE = _term("schema", "SoftwareSourceCode")
ML_MODEL = _term("fair4ml", "MLModel")
DATASET = _term("schema", "Dataset")
WEB_APPLICATION = _term("schema", "WebApplication")
COLLECTION = _term("schema", "Collection")
USER_ACCOUNT = _term("sioc", "UserAccount")
WEB_PAGE = _term("schema", "WebPage")
DIGEST_ISSUE = _term("schema", "PublicationIssue")
DIGEST_ENTRY = _term("pkg", "DigestEntry")
SOURCE_FILE = _term("prov", "Entity")
VOID_DATASET = _term("void", "Dataset")

# Paper
TITLE = _term("dcterms", "title")
IDENTIFIER = _term("dcterms", "identifier")
URL = _term("schema", "url")
CREATOR = _term("dcterms", "creator")
QUALIFIED_ATTRIBUTION = _term("prov", "qualifiedAttribution")
AGENT = _term("prov", "agent")
AUTHOR_POSITION = _term("pkg", "authorPosition")
SUBJECT = _term("dcterms", "subject")
HAS_REPOSITORY = _term("pkg", "hasRepository")
HAS_MODEL = _term("pkg", "hasModel")
HAS_DATASET = _term("pkg", "hasDataset")
HAS_SPACE = _term("pkg", "hasSpace")
HAS_COLLECTION = _term("pkg", "hasCollection")
#: The super-property of the five links above (declared for queries and reasoners).
HAS_ARTEFACT = _term("pkg", "hasArtefact")
MENTIONS_ACCOUNT = _term("pkg", "mentionsAccount")
PAGE = _term("foaf", "page")

# People, tasks, artefacts, accounts
NAME = _term("schema", "name")
PREF_LABEL = _term("skos", "prefLabel")
IN_SCHEME = _term("skos", "inScheme")
CODE_REPOSITORY = _term("schema", "codeRepository")
HAS_OWNER = _term("sioc", "has_owner")
ACCOUNT_NAME = _term("foaf", "accountName")

# Digest days and entries
DATE_PUBLISHED = _term("schema", "datePublished")
ABOUT = _term("schema", "about")
IS_PART_OF = _term("schema", "isPartOf")
TEXT = _term("schema", "text")
WAS_DERIVED_FROM = _term("prov", "wasDerivedFrom")

# VoID description
VOID_TRIPLES = _term("void", "triples")
VOID_ENTITIES = _term("void", "entities")
VOID_CLASSES = _term("void", "classes")
VOID_PROPERTIES = _term("void", "properties")
VOID_DISTINCT_SUBJECTS = _term("void", "distinctSubjects")
VOID_DISTINCT_OBJECTS = _term("void", "distinctObjects")
VOID_CLASS_PARTITION = _term("void", "classPartition")
VOID_PROPERTY_PARTITION = _term("void", "propertyPartition")
VOID_CLASS = _term("void", "class")
VOID_PROPERTY = _term("void", "property")
VOID_URI_SPACE = _term("void", "uriSpace")
VOID_VOCABULARY = _term("void", "vocabulary")
DESCRIPTION = _term("dcterms", "description")

# People under several spellings (kg.people): identity links as reified statements
STATEMENT = _term("rdf", "Statement")
RDF_SUBJECT = _term("rdf", "subject")
RDF_PREDICATE = _term("rdf", "predicate")
RDF_OBJECT = _term("rdf", "object")
XSD_DECIMAL = _term("xsd", "decimal")
CLOSE_MATCH = _term("skos", "closeMatch")
SAME_AS = _term("owl", "sameAs")
HOLDS_ACCOUNT = _term("foaf", "account")
IDENTITY_LINK = _term("pkg", "IdentityLink")
LINK_TIER = _term("pkg", "linkTier")
LINK_SCORE = _term("pkg", "linkScore")
MATCH_RULE = _term("pkg", "matchRule")
SHARED_COAUTHOR = _term("pkg", "sharedCoauthor")
CURATION_FILE = _term("pkg", "curationFile")

#: Prefixes written into Turtle and known to SPARQL queries without declaration.
PREFIXES: dict[str, str] = {k: v for k, v in NAMESPACES.items() if k != "owl"}


def data_prefixes(base: str) -> dict[str, str]:
    """Prefixes for the data IRIs minted under ``base`` (see :mod:`kg.graph.iris`)."""
    return {
        "paper": f"{base}paper/",
        "person": f"{base}person/",
        "task": f"{base}task/",
        "day": f"{base}day/",
        "entry": f"{base}entry/",
        "authorship": f"{base}authorship/",
    }


def all_prefixes(base: str) -> dict[str, str]:
    """Vocabulary and data prefixes together, for serialisation and queries."""
    return {**PREFIXES, **data_prefixes(base)}


def declared_terms() -> dict[str, NamedNode]:
    """Every term constant above, by name (for the ontology consistency test)."""
    return {name: value for name, value in globals().items() if isinstance(value, NamedNode)}

# Interoperability (issue 14): the data graph's OWL header, DOIs and arXiv IDs
OWL_ONTOLOGY = _term("owl", "Ontology")
OWL_IMPORTS = _term("owl", "imports")
XSD_DATE_TIME = _term("xsd", "dateTime")
SAME_AS = _term("schema", "sameAs")
HAS_ARXIV_ID = _term("fabio", "hasArXivId")
DOI_RESOLVER = "https://doi.org/"
ARXIV_DOI_PREFIX = "10.48550/arXiv."
