package dev.orgplane.org.organization;

import dev.orgplane.kit.http.Timestamps;
import org.mapstruct.Mapper;
import org.mapstruct.factory.Mappers;

/** Maps stored organizations to their API form; MapStruct writes the implementation at compile time. */
@Mapper(uses = Timestamps.class)
interface OrganizationViews {

  OrganizationViews MAPPER = Mappers.getMapper(OrganizationViews.class);

  OrganizationView view(Organization organization);
}
