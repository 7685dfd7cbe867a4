/**
 * The console's web security: the response headers every page carries and the checks that refuse
 * cross-site and forged state-changing requests. Authentication itself is the container's (FORM
 * login against the server's {@code file} realm, configured in {@code web.xml}).
 */
package org.pghardstorage.web.security;
