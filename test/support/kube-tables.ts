import {humanDuration} from '../../src/core/render/age.js'

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) for the fake API server: the
 * columns the real API server prints for the built-in kinds we serve, and the CRD's additionalPrinterColumns
 * (apiextensions-apiserver tableconvertor) for custom resources.
 */
export interface TableColumn {
  name: string
  type: string
  format?: string
  description?: string
  priority?: number
  /** Cell for an object; undefined becomes a null cell, as the CRD table convertor does for missing values. */
  cell: (object: any, now: Date) => unknown
}

export interface PrinterColumn {
  name: string
  type: string
  format?: string
  description?: string
  priority?: number
  jsonPath: string
}

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (object) => object.metadata?.name,
}

const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (object, now) => age(object.metadata?.creationTimestamp, now),
}

export const builtinColumns: Record<string, TableColumn[]> = {
  deployments: [
    nameColumn,
    {name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`},
    {name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0},
    {name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0},
    ageColumn,
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o)
          .map((c: any) => c.name)
          .join(','),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o)
          .map((c: any) => c.image)
          .join(','),
    },
    {name: 'Selector', type: 'string', priority: 1, cell: (o) => selectorText(o.spec?.selector?.matchLabels)},
  ],
  replicasets: [
    nameColumn,
    {name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 1},
    {name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0},
    {name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0},
    ageColumn,
  ],
  pods: [
    nameColumn,
    {name: 'Ready', type: 'string', cell: (o) => podReady(o)},
    {name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Unknown'},
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) =>
        String((o.status?.containerStatuses ?? []).reduce((sum: number, c: any) => sum + (c.restartCount ?? 0), 0)),
    },
    ageColumn,
    {name: 'IP', type: 'string', priority: 1, cell: (o) => o.status?.podIP ?? '<none>'},
    {name: 'Node', type: 'string', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>'},
  ],
  configmaps: [
    nameColumn,
    {
      name: 'Data',
      type: 'integer',
      cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
    },
    ageColumn,
  ],
  namespaces: [nameColumn, {name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active'}, ageColumn],
  // pkg/printers/internalversion printHorizontalPodAutoscaler (Kubernetes 1.32).
  horizontalpodautoscalers: [
    nameColumn,
    {
      name: 'Reference',
      type: 'string',
      description: 'Reference to the scale target.',
      cell: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
    },
    {name: 'Targets', type: 'string', description: 'Current and target metric values.', cell: (o) => hpaTargets(o)},
    {
      name: 'MinPods',
      type: 'string',
      description: 'Lower limit for the number of pods.',
      cell: (o) => (o.spec?.minReplicas === undefined ? '<unset>' : String(o.spec.minReplicas)),
    },
    {
      name: 'MaxPods',
      type: 'integer',
      description: 'Upper limit for the number of pods.',
      cell: (o) => o.spec?.maxReplicas ?? 0,
    },
    {
      name: 'Replicas',
      type: 'integer',
      description: 'Current number of replicas.',
      cell: (o) => o.status?.currentReplicas ?? 0,
    },
    ageColumn,
  ],
  customresourcedefinitions: [
    nameColumn,
    {name: 'Created At', type: 'date', cell: (o) => o.metadata?.creationTimestamp},
  ],
}

export const defaultColumns: TableColumn[] = [nameColumn, ageColumn]

/** Name, then the CRD's printer columns (or Age when it declares none), like the CRD table convertor. */
export function crdColumns(printerColumns: readonly PrinterColumn[] | undefined): TableColumn[] {
  if (!printerColumns || printerColumns.length === 0) return defaultColumns
  return [
    nameColumn,
    ...printerColumns.map((column): TableColumn => {
      const out: TableColumn = {
        name: column.name,
        type: column.type,
        cell: (object, now) => {
          const value = evaluateJsonPath(object, column.jsonPath)
          if (value === undefined || value === null) return undefined
          switch (column.type) {
            case 'date':
              return typeof value === 'string' ? age(value, now) : undefined
            case 'integer':
            case 'number':
              return typeof value === 'number' ? value : undefined
            case 'boolean':
              return typeof value === 'boolean' ? value : undefined
            default:
              return typeof value === 'object' ? JSON.stringify(value) : String(value)
          }
        },
      }
      if (column.format !== undefined) out.format = column.format
      if (column.description !== undefined) out.description = column.description
      if (column.priority !== undefined) out.priority = column.priority
      return out
    }),
  ]
}

export function toTable(
  objects: readonly any[],
  columns: readonly TableColumn[],
  now: Date,
  resourceVersion: string,
): unknown {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {resourceVersion},
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type === 'date' ? 'date' : column.type,
      format: column.format ?? '',
      description: column.description ?? '',
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => {
        const value = column.cell(object, now)
        return value === undefined ? null : value
      }),
      object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata},
    })),
  }
}

/**
 * The subset of kubectl JSONPath used in printer columns: `.a.b`, `.a[0]`, `.a[*]` and
 * `.a[?(@.type=='X')].b`. Returns the first match, as the CRD table convertor prints.
 */
export function evaluateJsonPath(object: unknown, path: string): unknown {
  const trimmed = path.trim().replace(/^\{/, '').replace(/\}$/, '')
  let current: unknown[] = [object]
  const tokens = trimmed.match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? []
  for (const token of tokens) {
    const next: unknown[] = []
    for (const value of current) {
      if (value === null || value === undefined) continue
      if (token.startsWith('.')) {
        const field = token.slice(1)
        if (typeof value === 'object' && Object.hasOwn(value, field))
          next.push((value as Record<string, unknown>)[field])
        continue
      }
      if (!Array.isArray(value)) continue
      const inner = token.slice(1, -1)
      const filter = /^\?\(@\.([\w.-]+)\s*==\s*['"]([^'"]*)['"]\)$/.exec(inner)
      if (inner === '*') next.push(...value)
      else if (filter)
        next.push(
          ...value.filter(
            (item) => item && typeof item === 'object' && String((item as any)[filter[1]!]) === filter[2],
          ),
        )
      else if (/^-?\d+$/.test(inner)) {
        const index = Number(inner)
        const item = value[index < 0 ? value.length + index : index]
        if (item !== undefined) next.push(item)
      }
    }
    current = next
  }
  return current[0]
}

function age(timestamp: unknown, now: Date): string | undefined {
  if (typeof timestamp !== 'string') return '<unknown>'
  const at = Date.parse(timestamp)
  return Number.isNaN(at) ? '<invalid>' : humanDuration(now.getTime() - at)
}

function containers(object: any): any[] {
  return object.spec?.template?.spec?.containers ?? []
}

function selectorText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {})
  return entries.length === 0 ? '<none>' : entries.map(([key, value]) => `${key}=${value}`).join(',')
}

function podReady(object: any): string {
  const statuses: any[] = object.status?.containerStatuses ?? []
  const total = (object.spec?.containers ?? []).length
  return `${statuses.filter((status) => status.ready).length}/${total}`
}

/** formatHPAMetrics of the Kubernetes printers: `current/target` per metric, at most three, then `+ N more...`. */
function hpaTargets(object: any): string {
  const specs: any[] = object.spec?.metrics ?? []
  if (specs.length === 0) return '<none>'
  const statuses: any[] = object.status?.currentMetrics ?? []
  const current = (index: number, type: string): any => (statuses[index]?.type === type ? statuses[index] : undefined)
  const list = specs.map((metric, index) => {
    const unknown = '<unknown>'
    switch (metric.type) {
      case 'External':
      case 'Pods':
      case 'Object': {
        const key = metric.type === 'External' ? 'external' : metric.type === 'Pods' ? 'pods' : 'object'
        const target = metric[key]?.target ?? {}
        const now = current(index, metric.type)?.[key]?.current ?? {}
        if (target.averageValue !== undefined && metric.type !== 'Pods')
          return `${now.averageValue ?? unknown}/${target.averageValue} (avg)`
        if (target.averageValue !== undefined) return `${now.averageValue ?? unknown}/${target.averageValue}`
        return `${now.value ?? unknown}/${target.value ?? unknown}`
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = metric.type === 'Resource' ? 'resource' : 'containerResource'
        const target = metric[key]?.target ?? {}
        const now = current(index, metric.type)?.[key]?.current ?? {}
        const name = metric[key]?.name ?? ''
        const prefix = metric.type === 'Resource' ? `${name}: ` : `${name} (${metric[key]?.container ?? ''}): `
        if (target.averageValue !== undefined) return `${prefix}${now.averageValue ?? unknown}/${target.averageValue}`
        const utilization = now.averageUtilization === undefined ? unknown : `${now.averageUtilization}%`
        return `${prefix}${utilization}/${target.averageUtilization ?? unknown}%`
      }
      default:
        return '<unknown type>'
    }
  })
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} + ${list.length - 3} more...` : list.join(', ')
}
