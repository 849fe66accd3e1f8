// OWL 2 DL profile check and HermiT consistency of paperkg's ontology plus a graph.
// Uses the OWL API 3.4 and HermiT bundled in owlready2's HermiT.jar (no download):
//   java -cp HermiT.jar tools/OwlCheck.java ontology/paperkg.ttl output/graph.owl.ttl
// The graph's owl:imports of the ontology IRI is mapped to the local ontology file.
// Prints one line per DL violation, then "consistent: true|false"; exit 0 only when
// there are no violations and the whole is consistent.
import java.io.File;
import java.util.List;

import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;

public class OwlCheck {
    public static void main(String[] args) throws Exception {
        OWLManager.class.getName();
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        IRI ontologyIri = IRI.create("https://w3id.org/paperkg/ontology");
        manager.addIRIMapper(new SimpleIRIMapper(ontologyIri, IRI.create(new File(args[0]))));
        OWLOntology graph = manager.loadOntologyFromOntologyDocument(new File(args[1]));
        if (manager.getOntology(ontologyIri) == null) {
            System.out.println("violation: the graph does not import " + ontologyIri);
            System.exit(1);
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(graph);
        List<OWLProfileViolation> violations = report.getViolations();
        for (OWLProfileViolation violation : violations) {
            System.out.println("violation: " + violation.toString().replace('\n', ' '));
        }
        boolean consistent = new Reasoner.ReasonerFactory().createReasoner(graph).isConsistent();
        System.out.println("violations: " + violations.size());
        System.out.println("consistent: " + consistent);
        System.exit(violations.isEmpty() && consistent ? 0 : 1);
    }
}
