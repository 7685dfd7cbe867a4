package org.pghardstorage.batch.verify;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.job.JobRuns;

/** The last step of {@code verify}: the job fails when the verification found errors. */
@Named("verifyVerdict")
@Dependent
public class VerdictBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private JobRuns runs;

  @Override
  public String process() {
    String result = runs.find(RunContext.run(job)).orElseThrow().result();
    if (result == null || !result.startsWith("passed")) {
      throw RunContext.failing(
          job,
          new HardstorageException(
              "verify.failed",
              ExitCode.VERIFY_FAILED,
              result == null ? "the verification did not finish" : result,
              "GET /api/v1/deployments/"
                  + RunContext.deployment(job)
                  + "/verifications shows"
                  + " the problems"));
    }
    return result;
  }
}
