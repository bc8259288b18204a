{{/*
Names, labels and the pieces the operator's and the proxy's Deployments share. Templates that
work for one component take a context: (dict "root" $ "component" "proxy"), plus "port" (the
metrics port) for grantpool.podAnnotations.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "grantpool.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>", or the release name when it already holds the chart name, or fullnameOverride. */}}
{{- define "grantpool.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<fullname>-<component>": the Deployment, Service, ServiceAccount and Role of a component. */}}
{{- define "grantpool.componentName" -}}
{{- printf "%s-%s" (include "grantpool.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of a cluster-wide object of a component: the release's namespace keeps it unique. */}}
{{- define "grantpool.clusterName" -}}
{{- printf "%s-%s-%s" .root.Release.Namespace (include "grantpool.fullname" .root) .component }}
{{- end }}

{{- define "grantpool.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object; takes the root. */}}
{{- define "grantpool.commonLabels" -}}
helm.sh/chart: {{ include "grantpool.chart" . }}
app.kubernetes.io/name: {{ include "grantpool.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: grantpool
{{- end }}

{{/* Labels of a component's objects; takes a component context. */}}
{{- define "grantpool.labels" -}}
{{ include "grantpool.commonLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* What a component's Deployment selects its pods by, and its Service its endpoints. */}}
{{- define "grantpool.selectorLabels" -}}
app.kubernetes.io/name: {{ include "grantpool.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "grantpool.serviceAccountName" -}}
{{- $values := index .root.Values .component }}
{{- if $values.serviceAccount.create }}
{{- default (include "grantpool.componentName" .) $values.serviceAccount.name }}
{{- else }}
{{- required (printf "%s.serviceAccount.name is required when %s.serviceAccount.create is false" .component .component) $values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "grantpool.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The OAuth client's Secret: the user's, or the one the chart makes from oauth.clientId/clientSecret; empty when neither. */}}
{{- define "grantpool.oauthSecretName" -}}
{{- if .Values.oauth.existingSecret }}
{{- .Values.oauth.existingSecret }}
{{- else if or .Values.oauth.clientId .Values.oauth.clientSecret }}
{{- if not (and .Values.oauth.clientId .Values.oauth.clientSecret) }}
{{- fail "oauth.clientId and oauth.clientSecret go together: set both, or name a Secret in oauth.existingSecret" }}
{{- end }}
{{- printf "%s-oauth" (include "grantpool.fullname" .) }}
{{- end }}
{{- end }}

{{- define "grantpool.keysSecretName" -}}
{{- default (printf "%s-keys" (include "grantpool.fullname" .)) .Values.keys.existingSecret }}
{{- end }}

{{/* The component's settings by flag name: the shared ones, overridden by the component's own. */}}
{{- define "grantpool.settings" -}}
{{- $own := index .root.Values .component "settings" | default dict }}
{{- merge (deepCopy $own) (deepCopy (.root.Values.settings | default dict)) | toYaml }}
{{- end }}

{{/* Whether the component serves /metrics (the metrics setting is true unless set false). */}}
{{- define "grantpool.metricsEnabled" -}}
{{- $settings := include "grantpool.settings" . | fromYaml }}
{{- if ne (toString (get $settings "metrics")) "false" }}true{{ end }}
{{- end }}

{{/*
A setting's value as its variable holds it. Numbers from values.yaml arrive as float64, which
would print 104857600 as 1.048576e+08: whole numbers are printed as integers.
*/}}
{{- define "grantpool.settingValue" -}}
{{- if kindIs "slice" . }}
{{- join "," . }}
{{- else if and (kindIs "float64" .) (eq . (floor .)) }}
{{- printf "%d" (int64 .) }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/* The container's variables: Downward API, Secrets, settings, OpenTelemetry, extraEnv. */}}
{{- define "grantpool.env" -}}
{{- $root := .root }}
{{- $values := index $root.Values .component -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- with include "grantpool.oauthSecretName" $root }}
- name: GRANTPOOL_OAUTH_CLIENT_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $root.Values.oauth.clientIdKey }}
- name: GRANTPOOL_OAUTH_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $root.Values.oauth.clientSecretKey }}
{{- end }}
{{- if eq .component "proxy" }}
- name: GRANTPOOL_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ include "grantpool.keysSecretName" $root }}
      key: {{ $root.Values.keys.apiKeysKey }}
- name: GRANTPOOL_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "grantpool.keysSecretName" $root }}
      key: {{ $root.Values.keys.adminKeyKey }}
      optional: true
{{- end }}
{{- range $name, $value := include "grantpool.settings" . | fromYaml }}
- name: {{ printf "GRANTPOOL_%s" ($name | upper | replace "-" "_") }}
  value: {{ include "grantpool.settingValue" $value | quote }}
{{- end }}
{{- with $root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $name, $value := $root.Values.otel.env }}
- name: {{ $name }}
  value: {{ include "grantpool.settingValue" $value | quote }}
{{- end }}
{{- with $values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod annotations: the user's, a checksum of the Secrets' values (a change rolls the pods), the scrape annotations. */}}
{{- define "grantpool.podAnnotations" -}}
{{- $root := .root }}
{{- $values := index $root.Values .component -}}
checksum/secrets: {{ dict "oauth" $root.Values.oauth "keys" $root.Values.keys | toJson | sha256sum }}
{{- if and (include "grantpool.metricsEnabled" .) $root.Values.metrics.scrapeAnnotations (not $root.Values.metrics.serviceMonitor.enabled) }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with $values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The pod spec fields both Deployments share (everything but the container). */}}
{{- define "grantpool.podSpec" -}}
{{- $root := .root }}
{{- $values := index $root.Values .component -}}
serviceAccountName: {{ include "grantpool.serviceAccountName" . }}
# The ServiceAccount does not mount its token everywhere; these pods call the API server.
automountServiceAccountToken: true
# Service links would turn a Service named "grantpool" into GRANTPOOL_PORT=tcp://…, which
# grantpool reads as its --port setting and refuses.
enableServiceLinks: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # The root file system is read-only; the runtime may still want a scratch directory.
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
{{- end }}

{{/* The container fields both share: image, resources, security context, /tmp. */}}
{{- define "grantpool.containerCommon" -}}
{{- $root := .root }}
{{- $values := index $root.Values .component -}}
image: {{ include "grantpool.image" $root }}
imagePullPolicy: {{ $root.Values.image.pullPolicy }}
{{- with $values.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.containerSecurityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}
