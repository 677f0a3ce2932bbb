package dev.orgplane.org.user;

import dev.orgplane.kit.http.Timestamps;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.factory.Mappers;

/** Maps stored users to their API form; the view has no field a hash could land in. */
@Mapper(uses = Timestamps.class)
interface UserViews {

  UserViews MAPPER = Mappers.getMapper(UserViews.class);

  @Mapping(target = "emailVerified", expression = "java(user.emailVerified())")
  UserView view(User user);
}
