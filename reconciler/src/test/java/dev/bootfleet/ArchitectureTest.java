package dev.bootfleet;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering CONTRIBUTING.md describes: app -> adapters -> core, and a core without I/O or clocks. */
@AnalyzeClasses(packages = "dev.bootfleet", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("app").definedBy("dev.bootfleet.app..")
      .layer("adapters").definedBy("dev.bootfleet.adapters..")
      .layer("core").definedBy("dev.bootfleet.core..")
      .whereLayer("app").mayNotBeAccessedByAnyLayer()
      .whereLayer("adapters").mayOnlyBeAccessedByLayers("app")
      .whereLayer("core").mayOnlyBeAccessedByLayers("adapters", "app");

  @ArchTest
  static final ArchRule coreDoesNoFileIo = noClasses().that().resideInAPackage("dev.bootfleet.core..")
      .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "org.eclipse.jgit..")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
      .because("core is pure: files, network and Git come through ports (dev.bootfleet.core.port)");

  @ArchTest
  static final ArchRule jibStaysInTheRegistryAdapter = noClasses().that()
      .resideOutsideOfPackage("dev.bootfleet.adapters.registry..")
      .should().dependOnClassesThat().resideInAnyPackage("com.google.cloud.tools.jib..")
      .because("jib-core sits behind our own interfaces (core.port.ImageRegistry, ImageBaker); its"
          + " RegistryClient is not public API and may change in any release");

  @ArchTest
  static final ArchRule serverFrameworksStayInTheirAdapters = noClasses().that()
      .resideOutsideOfPackages("dev.bootfleet.adapters.http..", "dev.bootfleet.adapters.web..",
          "dev.bootfleet.adapters.store..", "dev.bootfleet.app.server..")
      .should().dependOnClassesThat(resideInAnyPackage("io.javalin..", "org.jdbi..", "org.flywaydb..",
          "com.zaxxer.hikari..", "org.h2..", "org.postgresql..", "org.quartz..", "io.micrometer..")
          .and(not(name("org.quartz.CronExpression"))))
      .because("the server's frameworks sit behind core.port.FleetStore and the HTTP adapter (ADR 0016):"
          + " the core, the CLI and the agent never load them; Quartz's CronExpression is the exception, a"
          + " pure parser the maintenance windows use (ADR 0021)");

  @ArchTest
  static final ArchRule onlyTheRolloutRulesUseCron = noClasses().that()
      .resideOutsideOfPackages("dev.bootfleet.core.manifest..", "dev.bootfleet.core.rollout..", "dev.bootfleet.app.server..")
      .should().dependOnClassesThat().haveFullyQualifiedName("org.quartz.CronExpression")
      .because("Quartz's cron parser is admitted to the core for the maintenance windows only (ADR 0021)");

  @ArchTest
  static final ArchRule httpAndStoreStayApart = noClasses().that().resideInAPackage("dev.bootfleet.adapters.http..")
      .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..", "com.zaxxer.hikari..",
          "org.h2..", "org.postgresql..", "org.quartz..")
      .orShould().dependOnClassesThat().resideInAPackage("dev.bootfleet.adapters.store..")
      .because("the HTTP adapter reaches the store through core.port.FleetStore only (ADR 0016)");

  @ArchTest
  static final ArchRule dashboardReadsTheBackend = noClasses().that().resideInAPackage("dev.bootfleet.adapters.web..")
      .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..", "com.zaxxer.hikari..",
          "org.h2..", "org.postgresql..", "org.quartz..", "dev.bootfleet.adapters.store..", "dev.bootfleet.app..")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.bootfleet.core.plan.Planner")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.bootfleet.core.server.Replanner")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.bootfleet.core.server.HostView")
      .because("the dashboard shows what the server's Backend decided (ADR 0024): it reaches the store through"
          + " core.port.FleetStore only, and never plans or judges a host itself");

  @ArchTest
  static final ArchRule agentClientStaysOnTheJdk = noClasses().that()
      .resideInAPackage("dev.bootfleet.adapters.agentclient..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.bootfleet.adapters.http..",
          "dev.bootfleet.adapters.store..", "org.eclipse.jetty..")
      .because("the agent speaks to the server with the JDK's HTTP client: the server's adapters and"
          + " frameworks never reach a host");

  @ArchTest
  static final ArchRule tlsStandsAlone = noClasses().that().resideInAPackage("dev.bootfleet.adapters.tls..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.bootfleet.core..", "dev.bootfleet.app..",
          "dev.bootfleet.adapters.agentclient..", "dev.bootfleet.adapters.http..", "dev.bootfleet.adapters.registry..",
          "io.javalin..", "org.eclipse.jetty..")
      .because("the agent, the registry client and the server share one PEM reader on the JDK alone (ADR 0019)");

  @ArchTest
  static final ArchRule coreTakesTheClock = noClasses().that().resideInAPackage("dev.bootfleet.core..")
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(java.time.Instant.class, "now")
      .orShould().callMethod(java.time.Clock.class, "systemUTC")
      .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
      .because("the plan engine is given its clock, so tests and replays are deterministic");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.bootfleet.(*).(*)..").should().beFreeOfCycles()
      .because("a package that needs another which needs it back is one package in two places: value types"
          + " live in core.image, and the loader owns the RepoFiles interface it reads through");
}
