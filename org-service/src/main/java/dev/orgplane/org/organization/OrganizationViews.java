package dev.orgplane.org.organization;

import java.time.OffsetDateTime;
import org.mapstruct.Mapper;
import org.mapstruct.factory.Mappers;

/** Maps stored organizations to their API form; MapStruct writes the implementation at compile time. */
@Mapper
interface OrganizationViews {

  OrganizationViews MAPPER = Mappers.getMapper(OrganizationViews.class);

  OrganizationView view(Organization organization);

  /** Instants leave in UTC, whatever offset the database session used. */
  default String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
