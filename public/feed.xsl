<?xml version="1.0" encoding="utf-8"?>
<!-- Shows the registry's Atom feed (/feed.xml) as a readable page when a browser opens it
     (issue 13). Feed readers ignore it. No inline style or script: the page's CSP allows
     neither, so the looks come from /feed.css. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/atom:feed">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> (Atom feed)</title>
        <link rel="stylesheet" href="/feed.css"/>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
      </head>
      <body>
        <header class="feed-header">
          <p class="feed-brand"><a href="/">Accord Registry</a></p>
        </header>
        <main id="main">
          <h1><xsl:value-of select="atom:title"/></h1>
          <p class="feed-about">
            This is a web feed. Copy its address into a feed reader to be told when a company joins or
            withdraws from the Cybersecurity Tech Accord, as the registry records it:
          </p>
          <p class="feed-address"><code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
          <p class="feed-about"><xsl:value-of select="atom:subtitle"/></p>
          <h2>Latest entries</h2>
          <ol class="feed-entries">
            <xsl:for-each select="atom:entry">
              <li>
                <a href="{atom:link/@href}"><xsl:value-of select="atom:title" disable-output-escaping="yes"/></a>
                <!-- The entry's text says when, as precisely as the registry knows it
                     ("in September 2018"); its published date would invent a day. -->
                <div class="feed-content"><xsl:value-of select="atom:content" disable-output-escaping="yes"/></div>
              </li>
            </xsl:for-each>
          </ol>
          <p><a href="/open-data">All the registry's open data</a></p>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
