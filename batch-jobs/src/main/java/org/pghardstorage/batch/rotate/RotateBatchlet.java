package org.pghardstorage.batch.rotate;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.RetentionPlan;
import org.pghardstorage.core.retention.ReviewedRotation;
import org.pghardstorage.core.retention.RotationDocument;
import org.pghardstorage.core.retention.RotationResult;
import org.pghardstorage.core.retention.Rotator;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentSpec;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.metrics.StorageRetries;

/**
 * {@code rotate}: the engine's {@link Rotator} applies the deployment's GFS policy. A dry run (the
 * default) records the plan as the job run's result, the one {@link RotationDocument} that {@code
 * pg_hardstorage rotate --output json} prints. With job parameter {@code reviewed_run=N} it applies
 * the plan dry run N recorded ({@link ReviewedRun}): exactly that plan, or nothing when the plan
 * made under the repository lock differs from it ({@link Rotator#apply(
 * org.pghardstorage.core.repo.Deployment, GfsPolicy, ReviewedRotation)}). With {@code apply=true}
 * alone it plans and applies that plan in one step (a plan that grew under the lock deletes
 * nothing). Either way it then re-indexes the catalogue.
 */
@Named("rotateRun")
@Dependent
public class RotateBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private DeploymentService deployments;
  @EJB private JobRuns runs;
  @EJB private CatalogueService catalogue;
  @EJB private StorageRetries retries;

  @Override
  public String process() {
    try {
      String name = RunContext.deployment(job);
      Protected p = deployments.require(name);
      DeploymentSpec.Keep k = deployments.find(name).orElseThrow().keep();
      GfsPolicy policy = new GfsPolicy(k.hourly(), k.daily(), k.weekly(), k.monthly(), k.yearly());
      Map<String, String> parameters = RunContext.parameters(job);
      Optional<ReviewedRotation> reviewed =
          ReviewedRun.asked(parameters)
              ? Optional.of(ReviewedRun.require(parameters, name, runs::find))
              : Optional.empty();
      boolean apply =
          reviewed.isPresent() || Boolean.parseBoolean(parameters.getOrDefault("apply", "false"));
      long run = RunContext.run(job);
      try (OpenedRepository o = p.open(retries.listener(name))) {
        Rotator rotator = new Rotator(o.repository(), Clock.systemUTC());
        if (!apply) {
          RetentionPlan plan = rotator.plan(p.deployment(), policy);
          runs.result(run, ResultJson.write(RotationDocument.of(plan, Optional.empty())));
          return "DRY RUN";
        }
        RotationResult done =
            rotator.apply(
                p.deployment(),
                policy,
                reviewed.orElseGet(
                    () -> ReviewedRotation.of(rotator.plan(p.deployment(), policy))));
        runs.result(run, ResultJson.write(RotationDocument.of(done.plan(), Optional.of(done))));
      }
      catalogue.rebuild(name, "rotate job run " + run);
      return "APPLIED";
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }
}
