/** The JSF console's backing beans (views). They present; they call the ejb services. */
package org.pghardstorage.web;
