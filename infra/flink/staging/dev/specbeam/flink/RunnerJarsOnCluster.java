package dev.specbeam.flink;

import java.util.Collections;
import java.util.List;
import org.apache.beam.runners.core.construction.resources.PipelineResourcesDetector;

/**
 * A pipeline-resources detector for a Flink cluster that already has Beam's Flink runner jars on its JobManager's
 * and TaskManagers' classpath (infra/flink/cluster.sh installs them): the job server then submits the job with no
 * jars instead of its own ~154 MB classpath, so a job neither uploads it nor adds a copy to every TaskManager's blob
 * cache. Selected per job with the pipeline option pipelineResourcesDetectorFactoryClass (runner.stage_runner_jars:
 * false); this class must be on the job server's classpath.
 */
public final class RunnerJarsOnCluster implements PipelineResourcesDetector.Factory {
  /** Beam instantiates the factory class through this static method (PipelineResourcesOptions). */
  public static RunnerJarsOnCluster create() {
    return new RunnerJarsOnCluster();
  }

  @Override
  public PipelineResourcesDetector getPipelineResourcesDetector() {
    return new Nothing();
  }

  /** Serializable because Beam keeps the detector in the (serialized) pipeline options. */
  static final class Nothing implements PipelineResourcesDetector {
    private static final long serialVersionUID = 1L;

    @Override
    public List<String> detect(ClassLoader classLoader) {
      return Collections.emptyList();
    }
  }
}
