package dev.orgplane.org.setup;

/** One writable field of a setup object: its JSON name, its column, and what it holds. */
record SetupField(String json, String column, Type type, boolean required) {

  enum Type {
    /** A name, unique per organization and kind. */
    NAME("text"),
    /** A JSON object. */
    OBJECT("jsonb"),
    /** The id of another setup object of the same organization. */
    REFERENCE("uuid"),
    /** Ids of other setup objects of the same organization. */
    REFERENCES("uuid[]"),
    /** An http(s) URL that events are sent to. */
    URL("text"),
    /** Names from the event catalog. */
    EVENTS("text[]"),
    BOOLEAN("boolean"),
    /** Write-only: never answered; made by the service when not given. */
    SECRET("text");

    final String sqlType;

    Type(String sqlType) {
      this.sqlType = sqlType;
    }
  }
}
