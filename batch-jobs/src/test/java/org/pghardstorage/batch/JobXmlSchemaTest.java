package org.pghardstorage.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

/**
 * Every job XML is valid against Jakarta Batch's own schema (shipped in the API jar), as the
 * server's batch runtime checks it only when a job starts: a restore job whose step had the job's
 * id (both are XML IDs) failed every start with "xJCL invalid per schema", seen first in a browser
 * test.
 */
class JobXmlSchemaTest {
  @Test
  void everyJobXmlIsValidAgainstTheJakartaBatchSchema()
      throws IOException, SAXException, URISyntaxException {
    URL xsd = getClass().getClassLoader().getResource("xsd/jobXML_2_0.xsd");
    assertThat(xsd).as("jobXML_2_0.xsd of the Jakarta Batch API jar").isNotNull();
    Schema schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(xsd);
    URL dir = getClass().getClassLoader().getResource("META-INF/batch-jobs");
    assertThat(dir).isNotNull();
    List<Path> jobs;
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      jobs = files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
    }
    assertThat(jobs).extracting(p -> p.getFileName().toString()).contains("restore.xml");
    for (Path job : jobs) {
      try {
        schema.newValidator().validate(new StreamSource(job.toFile()));
      } catch (SAXException e) {
        throw new AssertionError(
            job.getFileName() + " is not a valid job XML: " + e.getMessage(), e);
      }
    }
  }
}
