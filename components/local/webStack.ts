import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { LocalStackConfig } from "../../lib/config/types";
import { UpstreamShare, computeUpstreams } from "../../lib/upstreams";
import { NGINX_HTTPS_PORT } from "../../lib/runtime";
import { NginxListener, PLAIN_LISTENER, renderNginxConfig } from "../../nginx/render";
import { localServerNames } from "../../nginx/serverNames";
import { TlsCertificate } from "../tlsCertificate";
import { appSources, sourceSlug } from "../appSources";
import { BuiltImage } from "../builtImage";
import { LocalAppService } from "./appService";
import { LocalNetwork } from "./network";
import { LocalNginx } from "./nginxProxy";

/** With TLS: plain HTTP (which redirects) and nginx's TLS port. */
const LOCAL_TLS_LISTENERS: readonly NginxListener[] = [
    PLAIN_LISTENER,
    { port: NGINX_HTTPS_PORT, tls: true, proxyProtocol: false, scheme: "https" },
];

export interface LocalWebStackArgs {
    /** The validated stack config. */
    readonly config: LocalStackConfig;
    /** Prefix of every Docker object name, e.g. "webstack-dev" (project-stack). */
    readonly namePrefix: string;
    /** Labels put on every container and network. */
    readonly labels: Readonly<Record<string, string>>;
}

/** The whole stack on the local Docker engine: two images, a network, the app replicas and nginx. */
export class LocalWebStack extends pulumi.ComponentResource {
    /** Where nginx answers, e.g. http://127.0.0.1:8080/, or https://127.0.0.1:8443/ with TLS. */
    public readonly url: pulumi.Output<string>;
    /** Per service: weight, replicas and expected share of requests. */
    public readonly upstreams: pulumi.Output<Record<string, UpstreamShare>>;
    /** Docker name of the nginx container. */
    public readonly nginxContainer: pulumi.Output<string>;
    /** With TLS: the certificate nginx serves (PEM), for clients and browsers to trust a self-signed one. */
    public readonly certificatePem?: pulumi.Output<string>;

    constructor(name: string, args: LocalWebStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:local:WebStack", name, {}, opts);
        const c = args.config;
        const tag = pulumi.getStack();
        // One image per distinct app source (components/appSources.ts); the default app keeps its names.
        const images = new Map<string, { ref: pulumi.Input<string>; sourceId: string; version: string }>();
        for (const source of appSources(c.services, process.cwd())) {
            const slug = sourceSlug(source);
            const image =
                source.kind === "build"
                    ? new BuiltImage(
                          `${name}-app-image${slug ? `-${slug}` : ""}`,
                          { context: source.context, baseImage: c.appBaseImage, imageName: `webstack-app${slug ? `-${slug}` : ""}:${tag}` },
                          { parent: this },
                      )
                    : { ref: source.ref, sourceId: createHash("sha256").update(source.ref).digest("hex") };
            for (const service of source.services) {
                images.set(service, { ref: image.ref, sourceId: image.sourceId, version: source.version });
            }
        }
        const nginxImage = new BuiltImage(
            `${name}-nginx-image`,
            { context: "nginx", baseImage: c.nginxBaseImage, imageName: `webstack-nginx:${tag}` },
            { parent: this },
        );
        const network = new LocalNetwork(`${name}-network`, { networkName: args.namePrefix, labels: args.labels }, { parent: this });
        for (const service of c.services) {
            new LocalAppService(
                `${name}-${service.name}`,
                {
                    service,
                    nginx: c.nginx,
                    image: images.get(service.name)!.ref,
                    imageSourceId: images.get(service.name)!.sourceId,
                    version: images.get(service.name)!.version,
                    networkName: network.networkName,
                    namePrefix: args.namePrefix,
                    labels: args.labels,
                },
                { parent: this },
            );
        }
        const certificate = c.tls ? new TlsCertificate(`${name}-tls`, { tls: c.tls }, { parent: this }) : undefined;
        const nginx = new LocalNginx(
            `${name}-nginx`,
            {
                image: nginxImage.ref,
                config: renderNginxConfig({
                    services: c.services,
                    tuning: c.nginx,
                    serverNames: localServerNames(c),
                    ...(c.tls ? { listeners: LOCAL_TLS_LISTENERS, redirectToHttpsPort: c.httpsPort, hstsMaxAgeSec: c.hstsMaxAgeSec } : {}),
                }),
                ...(certificate ? { tls: { certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem } } : {}),
                networkName: network.networkName,
                httpPort: c.httpPort,
                httpsPort: c.httpsPort,
                bindAddress: c.bindAddress,
                namePrefix: args.namePrefix,
                labels: args.labels,
            },
            { parent: this },
        );
        const host = c.bindAddress === "0.0.0.0" ? "127.0.0.1" : c.bindAddress;
        this.url = pulumi.output(c.tls ? `https://${host}:${c.httpsPort}/` : `http://${host}:${c.httpPort}/`);
        this.upstreams = pulumi.output(computeUpstreams(c.services));
        this.nginxContainer = nginx.containerName;
        this.certificatePem = certificate?.certificatePem;
        this.registerOutputs({
            url: this.url,
            upstreams: this.upstreams,
            nginxContainer: this.nginxContainer,
            certificatePem: this.certificatePem,
        });
    }
}
