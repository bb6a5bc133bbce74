import { aws_certificatemanager as acm, aws_route53 as route53 } from 'aws-cdk-lib';

/**
 * A Route 53 hosted zone and the name the UI answers to within it.
 */
export interface UiHostedZoneOptions {
  /** The zone that holds `domainName`; it validates the certificate and gets the alias record. */
  readonly hostedZone: route53.IHostedZone;
  /** The UI's domain name, the zone's name or a name below it (for example `metaflow.example.com`). */
  readonly domainName: string;
}

/**
 * How the UI's load balancer serves browsers: HTTPS with a certificate, or plain HTTP for an
 * internal load balancer reached over a VPN.
 */
export class UiTls {
  /**
   * HTTPS with a certificate created for `domainName` and validated through the hosted zone, which
   * also gets an alias record pointing the name at the load balancer.
   */
  public static fromHostedZone(options: UiHostedZoneOptions): UiTls {
    return new UiTls(options.domainName, undefined, options.hostedZone);
  }

  /**
   * HTTPS with a certificate you have. Point `domainName` at the load balancer yourself (its DNS
   * name is `MetaflowUi.loadBalancer.loadBalancerDnsName`).
   *
   * @param certificate a certificate for `domainName`, in the stack's region
   * @param domainName the name users open the UI at
   */
  public static fromCertificate(certificate: acm.ICertificate, domainName: string): UiTls {
    return new UiTls(domainName, certificate, undefined);
  }

  /** Plain HTTP on port 80: only for an internal load balancer, with no login. */
  public static plainHttp(): UiTls {
    return new UiTls(undefined, undefined, undefined);
  }

  /**
   * @param domainName the UI's domain name, with HTTPS
   * @param certificate a given certificate
   * @param hostedZone the zone to create the certificate and alias record in
   */
  private constructor(
    public readonly domainName?: string,
    public readonly certificate?: acm.ICertificate,
    public readonly hostedZone?: route53.IHostedZone,
  ) {}

  /** True unless this is plain HTTP. */
  public get isHttps(): boolean {
    return this.domainName !== undefined;
  }
}
