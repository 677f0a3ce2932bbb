package dev.orgplane.engine.job;

import dev.orgplane.kit.http.Timestamps;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.factory.Mappers;

/** Maps stored jobs to their API form; MapStruct writes the implementation at compile time. */
@Mapper(uses = Timestamps.class)
interface JobViews {

  JobViews MAPPER = Mappers.getMapper(JobViews.class);

  @Mapping(target = "templateOrganization", source = "templateOrg")
  @Mapping(target = "targetOrganization", source = "targetOrg")
  @Mapping(target = "owner", expression = "java(job.ownerEmail() == null ? null "
      + ": new JobView.OwnerView(job.ownerEmail(), job.ownerInvitation()))")
  JobView view(Job job);

  @Mapping(target = "planned", expression = "java(step.created() + step.updated() + step.unchanged())")
  @Mapping(target = "copied", expression = "java(step.created() + step.updated())")
  JobView.StepView view(Job.Step step);
}
