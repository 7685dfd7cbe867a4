package org.pghardstorage.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;

/** The API's root: {@code /api/v1}. */
@ApplicationPath("v1")
@OpenAPIDefinition(
    info =
        @Info(
            title = "pg_hardstorage API",
            version = "v1",
            description =
                "PostgreSQL backup and point-in-time recovery: deployments, backups, WAL, jobs and"
                    + " restore plans.",
            license = @License(name = "Apache-2.0")))
public class ApiApplication extends Application {}
