/**
 * The custom domain of a ScimEndpoint (issue #26): the Tenant URL a vendor pastes into hundreds of
 * Entra and Okta tenants must never change, so it is `https://<domain>/tenants/<id>/scim/v2` on an
 * API Gateway custom domain (TLS 1.2 minimum) whose base-path mapping follows the API when the
 * API, the stage or the stack behind it is re-created. The certificate is given (ACM, same Region)
 * or created and DNS-validated in a Route 53 hosted zone, which then also gets the alias record.
 * docs/construct.md lists the props; docs/operations.md the DNS steps without a hosted zone.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface CustomDomainProps {
  /** The host name of every Tenant URL, e.g. `scim.vendor.example`. */
  readonly domainName: string;
  /** An ACM certificate for `domainName` in the stack's Region. Give this, `certificateArn` or a hosted zone. */
  readonly certificate?: acm.ICertificate;
  /** The same as an ARN (`-c certificateArn=` of the CDK app). */
  readonly certificateArn?: string;
  /**
   * The Route 53 zone of `domainName`: a DNS-validated certificate is created in it (unless
   * `certificate` is given) and an alias A record points the name at the API. @default none
   */
  readonly hostedZone?: route53.IHostedZone;
  /** The same by id (`-c hostedZoneId=`), with the zone's name (default: `domainName` less its first label). */
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  /**
   * Turn off the `https://<apiId>.execute-api.<region>.amazonaws.com` endpoint, so the custom
   * domain (TLS 1.2 minimum) is the only way in. @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

/** The public origin (`https://scim.vendor.example`) the functions put in every URL they return. */
export const publicOriginOf = (props: CustomDomainProps): string => `https://${props.domainName}`;

/** Checks the props before anything is created (a domain without a certificate cannot serve TLS). */
export function validateCustomDomain(props: CustomDomainProps): void {
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(props.domainName)) {
    throw new Error(`customDomain.domainName "${props.domainName}" is not a host name`);
  }
  if (!props.certificate && !props.certificateArn && !props.hostedZone && !props.hostedZoneId) {
    throw new Error('customDomain needs a certificate (certificateArn) or a hosted zone (hostedZoneId) to create one in');
  }
  if (props.certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(props.certificateArn)) {
    throw new Error(`customDomain.certificateArn "${props.certificateArn}" is not an ACM certificate ARN`);
  }
}

export class ScimCustomDomain extends Construct {
  readonly domain: apigateway.DomainName;
  readonly certificate: acm.ICertificate;

  constructor(scope: Construct, id: string, props: CustomDomainProps & { readonly api: apigateway.RestApi }) {
    super(scope, id);
    validateCustomDomain(props);
    const zone =
      props.hostedZone ??
      (props.hostedZoneId
        ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: props.hostedZoneId,
            zoneName: props.hostedZoneName ?? props.domainName.slice(props.domainName.indexOf('.') + 1),
          })
        : undefined);
    this.certificate =
      props.certificate ??
      (props.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
        : new acm.Certificate(this, 'Certificate', { domainName: props.domainName, validation: acm.CertificateValidation.fromDns(zone) }));
    this.domain = new apigateway.DomainName(this, 'Domain', {
      domainName: props.domainName,
      certificate: this.certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    // No base path: `/tenants/...` sits at the root of the domain, whatever the stage is called.
    new apigateway.BasePathMapping(this, 'Mapping', { domainName: this.domain, restApi: props.api, stage: props.api.deploymentStage });
    if (zone) {
      new route53.ARecord(this, 'Alias', {
        zone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.domain)),
      });
    }
    new CfnOutput(Stack.of(this), 'CustomDomainTarget', {
      description: `Without a hosted zone: a CNAME (or alias) from ${props.domainName} to this name`,
      value: this.domain.domainNameAliasDomainName,
    });
  }
}
