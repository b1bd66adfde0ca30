//! Snapshot tests: one small, real-looking file per language, with the
//! definitions, containment, imports and unresolved references we expect.
//! Update with `UPDATE_EXPECT=1 cargo test -p codegraph-parser`, then review.

use std::collections::HashMap;
use std::fmt::Write;

use codegraph_core::{EdgeKind, FileGraph, Language, NodeId};
use expect_test::{expect, Expect};

fn render(graph: &FileGraph) -> String {
    let names: HashMap<NodeId, &str> = graph
        .nodes
        .iter()
        .map(|n| (n.id, n.qualified_name.as_str()))
        .collect();
    let mut out = String::new();
    for node in &graph.nodes[1..] {
        let parent = node
            .parent
            .and_then(|p| names.get(&p))
            .copied()
            .unwrap_or("?");
        write!(
            out,
            "{} {} L{}-{} in {}",
            node.kind, node.qualified_name, node.span.start_line, node.span.end_line, parent
        )
        .unwrap();
        if let Some(sig) = &node.signature {
            write!(out, " sig=`{sig}`").unwrap();
        }
        if let Some(doc) = &node.doc {
            write!(out, " doc={doc:?}").unwrap();
        }
        out.push('\n');
    }
    for r in &graph.refs {
        let from = names.get(&r.from).copied().unwrap_or("?");
        let via = r
            .qualifier
            .as_deref()
            .map(|q| format!(" via {q}"))
            .unwrap_or_default();
        writeln!(
            out,
            "ref {} {}{via} from {from} L{}",
            r.kind.as_str(),
            r.name,
            r.line
        )
        .unwrap();
    }
    let contains = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Contains)
        .count();
    let imports = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Imports)
        .count();
    writeln!(
        out,
        "edges: {contains} contains, {imports} imports; syntax errors: {}",
        graph.has_syntax_errors
    )
    .unwrap();
    out
}

fn check(path: &str, language: Language, source: &str, expect: Expect) {
    let graph = codegraph_parser::parse_file(path, source, language);
    // Invariants every graph keeps, whatever the language.
    assert_eq!(graph.nodes[0].id, NodeId::for_file(path));
    let mut ids: Vec<NodeId> = graph.nodes.iter().map(|n| n.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), graph.nodes.len(), "node ids are unique");
    for node in &graph.nodes[1..] {
        let parent = node.parent.expect("every definition has a parent");
        assert!(
            graph.nodes.iter().any(|n| n.id == parent),
            "parent of {} is in the file",
            node.qualified_name
        );
    }
    expect.assert_eq(&render(&graph));
}

#[test]
fn rust() {
    check(
        "crates/net/src/http/client.rs",
        Language::Rust,
        r#"use std::collections::HashMap;
use crate::retry::{Backoff, Policy};

/// How many times a request is retried.
pub const MAX_RETRIES: u32 = 3;

/// An HTTP client that retries failed requests.
#[derive(Debug)]
pub struct Client {
    base_url: String,
    headers: HashMap<String, String>,
}

pub enum Method {
    Get,
    Post,
}

pub trait Transport: Send {
    fn send(&self, req: &Request) -> Response;
}

impl Client {
    /// Creates a client for `base_url`.
    pub fn new(base_url: &str) -> Self {
        Client { base_url: base_url.to_string(), headers: HashMap::new() }
    }

    pub fn get(&self, path: &str) -> Response {
        let policy = Policy::default();
        self.send_with_retry(Method::Get, path, &policy)
    }
}

impl Transport for Client {
    fn send(&self, req: &Request) -> Response {
        dispatch(req)
    }
}

macro_rules! log_request {
    ($req:expr) => { println!("{:?}", $req) };
}

fn dispatch(req: &Request) -> Response {
    log_request!(req);
    todo!()
}
"#,
        expect![[r#"
            constant http::client::MAX_RETRIES L5-5 in crates/net/src/http/client.rs sig=`pub const MAX_RETRIES: u32 = 3;` doc="How many times a request is retried."
            struct http::client::Client L9-12 in crates/net/src/http/client.rs sig=`pub struct Client` doc="An HTTP client that retries failed requests."
            field http::client::Client::base_url L10-10 in http::client::Client sig=`base_url: String`
            field http::client::Client::headers L11-11 in http::client::Client sig=`headers: HashMap<String, String>`
            enum http::client::Method L14-17 in crates/net/src/http/client.rs sig=`pub enum Method`
            variant http::client::Method::Get L15-15 in http::client::Method sig=`Get`
            variant http::client::Method::Post L16-16 in http::client::Method sig=`Post`
            trait http::client::Transport L19-21 in crates/net/src/http/client.rs sig=`pub trait Transport: Send`
            method http::client::Transport::send L20-20 in http::client::Transport sig=`fn send(&self, req: &Request) -> Response;`
            method http::client::Client::new L25-27 in http::client::Client sig=`pub fn new(base_url: &str) -> Self` doc="Creates a client for `base_url`."
            method http::client::Client::get L29-32 in http::client::Client sig=`pub fn get(&self, path: &str) -> Response`
            method http::client::Client::send L36-38 in http::client::Client sig=`fn send(&self, req: &Request) -> Response`
            macro http::client::log_request L41-43 in crates/net/src/http/client.rs sig=`macro_rules! log_request`
            function http::client::dispatch L45-48 in crates/net/src/http/client.rs sig=`fn dispatch(req: &Request) -> Response`
            import std::collections::HashMap L1-1 in crates/net/src/http/client.rs sig=`use std::collections::HashMap;`
            import crate::retry::Backoff L2-2 in crates/net/src/http/client.rs sig=`use crate::retry::{Backoff, Policy};`
            import crate::retry::Policy L2-2 in crates/net/src/http/client.rs sig=`use crate::retry::{Backoff, Policy};`
            ref type String from http::client::Client::base_url L10
            ref type HashMap from http::client::Client::headers L11
            ref type String from http::client::Client::headers L11
            ref type String from http::client::Client::headers L11
            ref inherit Send from http::client::Transport L19
            ref type Request from http::client::Transport::send L20
            ref type Response from http::client::Transport::send L20
            ref type Client from crates/net/src/http/client.rs L23
            ref type Self from http::client::Client::new L25
            ref type Client from http::client::Client::new L26
            ref call to_string via base_url from http::client::Client::new L26
            ref type HashMap from http::client::Client::new L26
            ref call new via HashMap from http::client::Client::new L26
            ref type Response from http::client::Client::get L29
            ref type Policy from http::client::Client::get L30
            ref call default via Policy from http::client::Client::get L30
            ref call send_with_retry via self from http::client::Client::get L31
            ref type Method from http::client::Client::get L31
            ref implement Transport via Client from http::client::Client L35
            ref type Client from crates/net/src/http/client.rs L35
            ref type Request from http::client::Client::send L36
            ref type Response from http::client::Client::send L36
            ref call dispatch from http::client::Client::send L37
            ref type Request from http::client::dispatch L45
            ref type Response from http::client::dispatch L45
            ref macro log_request from http::client::dispatch L46
            ref macro todo from http::client::dispatch L47
            ref import std::collections::HashMap from crates/net/src/http/client.rs L1
            ref import crate::retry::Backoff from crates/net/src/http/client.rs L2
            ref import crate::retry::Policy from crates/net/src/http/client.rs L2
            edges: 17 contains, 3 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn python() {
    check(
        "src/shop/orders.py",
        Language::Python,
        r#""""Order handling."""
import json
import os.path as osp
from .models import Order, LineItem
from ..util import *

DEFAULT_CURRENCY = "EUR"
registry = {}


class OrderService(BaseService):
    """Creates and stores orders."""

    table = "orders"

    def __init__(self, db):
        self.db = db

    def create(self, items: list[LineItem]) -> Order:
        """Create an order from line items."""
        order = Order(items=items)
        self.db.save(order)
        return order


def load_orders(path):
    with open(path) as fh:
        return [Order(**row) for row in json.load(fh)]
"#,
        expect![[r#"
            constant shop.orders.DEFAULT_CURRENCY L7-7 in src/shop/orders.py sig=`DEFAULT_CURRENCY = "EUR"`
            variable shop.orders.registry L8-8 in src/shop/orders.py sig=`registry = {}`
            class shop.orders.OrderService L11-23 in src/shop/orders.py sig=`class OrderService(BaseService)` doc="Creates and stores orders."
            field shop.orders.OrderService.table L14-14 in shop.orders.OrderService sig=`table = "orders"`
            method shop.orders.OrderService.__init__ L16-17 in shop.orders.OrderService sig=`def __init__(self, db)`
            method shop.orders.OrderService.create L19-23 in shop.orders.OrderService sig=`def create(self, items: list[LineItem]) -> Order` doc="Create an order from line items."
            function shop.orders.load_orders L26-28 in src/shop/orders.py sig=`def load_orders(path)`
            import json L2-2 in src/shop/orders.py sig=`import json`
            import os.path L3-3 in src/shop/orders.py sig=`import os.path as osp`
            import .models.Order L4-4 in src/shop/orders.py sig=`from .models import Order, LineItem`
            import .models.LineItem L4-4 in src/shop/orders.py sig=`from .models import Order, LineItem`
            import ..util L5-5 in src/shop/orders.py sig=`from ..util import *`
            ref inherit BaseService from shop.orders.OrderService L11
            ref read db via self from shop.orders.OrderService.__init__ L17
            ref type list from shop.orders.OrderService.create L19
            ref type LineItem from shop.orders.OrderService.create L19
            ref type Order from shop.orders.OrderService.create L19
            ref call Order from shop.orders.OrderService.create L21
            ref read db via self from shop.orders.OrderService.create L22
            ref call save via self.db from shop.orders.OrderService.create L22
            ref call open from shop.orders.load_orders L27
            ref call Order from shop.orders.load_orders L28
            ref call load via json from shop.orders.load_orders L28
            ref import json from src/shop/orders.py L2
            ref import os.path from src/shop/orders.py L3
            ref import .models.Order from src/shop/orders.py L4
            ref import .models.LineItem from src/shop/orders.py L4
            ref import ..util from src/shop/orders.py L5
            edges: 12 contains, 5 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn javascript() {
    check(
        "src/api/client.js",
        Language::JavaScript,
        r#"import { retry, sleep } from './util';
import axios from 'axios';
const fs = require('fs');

export const DEFAULT_TIMEOUT = 5000;

/**
 * Fetches JSON with retries.
 */
export async function fetchJson(url, opts) {
  const res = await retry(() => axios.get(url, opts));
  return res.data;
}

class ApiClient extends BaseClient {
  #token = null;

  constructor(base) {
    super(base);
    this.base = base;
  }

  async get(path) {
    await sleep(10);
    return fetchJson(this.base + path);
  }
}

const handler = (req) => new ApiClient(req.base);

module.exports.makeClient = function (base) {
  return new ApiClient(base);
};
"#,
        expect![[r#"
            variable fs L3-3 in src/api/client.js sig=`const fs = require('fs')`
            variable DEFAULT_TIMEOUT L5-5 in src/api/client.js sig=`const DEFAULT_TIMEOUT = 5000`
            function fetchJson L10-13 in src/api/client.js sig=`async function fetchJson(url, opts)` doc="Fetches JSON with retries."
            class ApiClient L15-27 in src/api/client.js sig=`class ApiClient extends BaseClient`
            field ApiClient.#token L16-16 in ApiClient sig=`#token = null`
            method ApiClient.constructor L18-21 in ApiClient sig=`constructor(base)`
            method ApiClient.get L23-26 in ApiClient sig=`async get(path)`
            function handler L29-29 in src/api/client.js sig=`const handler = (req) =>`
            function makeClient L31-33 in src/api/client.js sig=`module.exports.makeClient = function (base)`
            import ./util.retry L1-1 in src/api/client.js sig=`import { retry, sleep } from './util';`
            import ./util.sleep L1-1 in src/api/client.js sig=`import { retry, sleep } from './util';`
            import axios L2-2 in src/api/client.js sig=`import axios from 'axios';`
            import fs L3-3 in fs sig=`require('fs')`
            ref call require from fs L3
            ref call retry from fetchJson L11
            ref call get via axios from fetchJson L11
            ref inherit BaseClient from ApiClient L15
            ref read base via this from ApiClient.constructor L20
            ref call sleep from ApiClient.get L24
            ref call fetchJson from ApiClient.get L25
            ref read base via this from ApiClient.get L25
            ref call ApiClient from handler L29
            ref call ApiClient from makeClient L32
            ref import ./util.retry from src/api/client.js L1
            ref import ./util.sleep from src/api/client.js L1
            ref import axios from src/api/client.js L2
            ref import fs from fs L3
            edges: 13 contains, 4 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn typescript() {
    check(
        "src/store/cache.ts",
        Language::TypeScript,
        r#"import { Clock } from "./clock";

/** A key-value cache with expiry. */
export interface Cache<V> extends Disposable {
  get(key: string): V | undefined;
  size: number;
}

export type Key = string;

export enum Policy { Lru, Fifo = 2 }

export class LruCache<V> implements Cache<V> {
  private entries = new Map<Key, V>();

  constructor(private clock: Clock) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }
}

export function makeCache<V>(clock: Clock): Cache<V>;
export function makeCache<V>(clock: Clock, size: number): Cache<V>;
export function makeCache<V>(clock: Clock, size?: number): Cache<V> {
  return new LruCache<V>(clock);
}
"#,
        expect![[r#"
            interface Cache L4-7 in src/store/cache.ts sig=`interface Cache<V> extends Disposable` doc="A key-value cache with expiry."
            method Cache.get L5-5 in Cache sig=`get(key: string): V | undefined`
            field Cache.size L6-6 in Cache sig=`size: number`
            type Key L9-9 in src/store/cache.ts sig=`type Key = string;`
            enum Policy L11-11 in src/store/cache.ts sig=`enum Policy`
            variant Policy.Lru L11-11 in Policy sig=`Lru`
            variant Policy.Fifo L11-11 in Policy sig=`Fifo = 2`
            class LruCache L13-21 in src/store/cache.ts sig=`class LruCache<V> implements Cache<V>`
            field LruCache.entries L14-14 in LruCache sig=`private entries = new Map<Key, V>()`
            method LruCache.constructor L16-16 in LruCache sig=`constructor(private clock: Clock)`
            method LruCache.get L18-20 in LruCache sig=`get(key: string): V | undefined`
            function makeCache L25-27 in src/store/cache.ts sig=`function makeCache<V>(clock: Clock, size?: number): Cache<V>`
            import ./clock.Clock L1-1 in src/store/cache.ts sig=`import { Clock } from "./clock";`
            ref type V from Cache L4
            ref inherit Disposable from Cache L4
            ref type V from Cache.get L5
            ref type V from LruCache L13
            ref implement Cache from LruCache L13
            ref type V from LruCache L13
            ref call Map from LruCache.entries L14
            ref type Key from LruCache.entries L14
            ref type V from LruCache.entries L14
            ref type Clock from LruCache.constructor L16
            ref type V from LruCache.get L18
            ref read entries via this from LruCache.get L19
            ref call get via this.entries from LruCache.get L19
            ref type V from makeCache L23
            ref type Clock from makeCache L23
            ref type Cache from makeCache L23
            ref type V from makeCache L23
            ref type V from makeCache L24
            ref type Clock from makeCache L24
            ref type Cache from makeCache L24
            ref type V from makeCache L24
            ref type V from makeCache L25
            ref type Clock from makeCache L25
            ref type Cache from makeCache L25
            ref type V from makeCache L25
            ref call LruCache from makeCache L26
            ref type V from makeCache L26
            ref import ./clock.Clock from src/store/cache.ts L1
            edges: 13 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn tsx() {
    check(
        "web/Button.tsx",
        Language::Tsx,
        r#"import React from "react";

type Props = { label: string };

export const Button = ({ label }: Props) => <button onClick={() => track(label)}>{label}</button>;
"#,
        expect![[r#"
            type Props L3-3 in web/Button.tsx sig=`type Props = { label: string };`
            field label L3-3 in web/Button.tsx sig=`label: string`
            function Button L5-5 in web/Button.tsx sig=`const Button = ({ label }: Props) =>`
            import react L1-1 in web/Button.tsx sig=`import React from "react";`
            ref type Props from Button L5
            ref call track from Button L5
            ref import react from web/Button.tsx L1
            edges: 4 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn go() {
    check(
        "server/handler.go",
        Language::Go,
        r#"package server

import (
	"fmt"
	"net/http"
)

const maxBody = 1 << 20

var defaultMux = http.NewServeMux()

// Handler serves the API.
type Handler struct {
	store Store
	log   Logger
}

// Store persists items.
type Store interface {
	Get(id string) (Item, error)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	item, err := h.store.Get(r.URL.Path)
	if err != nil {
		writeError(w, err)
		return
	}
	fmt.Fprintf(w, "%v", item)
}

func writeError(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), 500)
}
"#,
        expect![[r#"
            constant server.maxBody L8-8 in server/handler.go sig=`maxBody = 1 << 20`
            variable server.defaultMux L10-10 in server/handler.go sig=`defaultMux = http.NewServeMux()`
            struct server.Handler L13-16 in server/handler.go sig=`Handler struct` doc="Handler serves the API."
            field server.Handler.store L14-14 in server.Handler sig=`store Store`
            field server.Handler.log L15-15 in server.Handler sig=`log Logger`
            interface server.Store L19-21 in server/handler.go sig=`Store interface` doc="Store persists items."
            method server.Store.Get L20-20 in server.Store sig=`Get(id string) (Item, error)`
            method server.Handler.ServeHTTP L24-31 in server/handler.go sig=`func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request)` doc="ServeHTTP implements http.Handler."
            function server.writeError L33-35 in server/handler.go sig=`func writeError(w http.ResponseWriter, err error)`
            import fmt L4-4 in server/handler.go sig=`"fmt"`
            import net/http L5-5 in server/handler.go sig=`"net/http"`
            ref call NewServeMux via http from server.defaultMux L10
            ref type Store from server.Handler.store L14
            ref type Logger from server.Handler.log L15
            ref type string from server.Store.Get L20
            ref type Item from server.Store.Get L20
            ref type error from server.Store.Get L20
            ref type Handler from server.Handler.ServeHTTP L24
            ref type ResponseWriter from server.Handler.ServeHTTP L24
            ref type Request from server.Handler.ServeHTTP L24
            ref call Get via h.store from server.Handler.ServeHTTP L25
            ref call writeError from server.Handler.ServeHTTP L27
            ref call Fprintf via fmt from server.Handler.ServeHTTP L30
            ref type ResponseWriter from server.writeError L33
            ref type error from server.writeError L33
            ref call Error via http from server.writeError L34
            ref call Error via err from server.writeError L34
            ref import fmt from server/handler.go L4
            ref import net/http from server/handler.go L5
            edges: 11 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn java() {
    check(
        "src/main/java/com/acme/billing/InvoiceService.java",
        Language::Java,
        r#"package com.acme.billing;

import java.util.List;
import com.acme.billing.model.Invoice;

/** Issues invoices. */
public class InvoiceService extends BaseService implements Service, AutoCloseable {
    private static final int MAX_LINES = 100;
    private final InvoiceRepository repo;

    public InvoiceService(InvoiceRepository repo) {
        this.repo = repo;
    }

    /** Issues one invoice. */
    @Override
    public Invoice issue(List<Line> lines) {
        Invoice invoice = new Invoice(lines);
        repo.save(invoice);
        validate(invoice);
        return invoice;
    }

    enum Status { DRAFT, SENT }
}
"#,
        expect![[r#"
            class com.acme.billing.InvoiceService L7-25 in src/main/java/com/acme/billing/InvoiceService.java sig=`public class InvoiceService extends BaseService implements Service, AutoCloseable` doc="Issues invoices."
            field com.acme.billing.InvoiceService.MAX_LINES L8-8 in com.acme.billing.InvoiceService sig=`private static final int MAX_LINES = 100`
            field com.acme.billing.InvoiceService.repo L9-9 in com.acme.billing.InvoiceService sig=`private final InvoiceRepository repo`
            constructor com.acme.billing.InvoiceService.InvoiceService L11-13 in com.acme.billing.InvoiceService sig=`public InvoiceService(InvoiceRepository repo)`
            method com.acme.billing.InvoiceService.issue L16-22 in com.acme.billing.InvoiceService sig=`@Override public Invoice issue(List<Line> lines)` doc="Issues one invoice."
            enum com.acme.billing.InvoiceService.Status L24-24 in com.acme.billing.InvoiceService sig=`enum Status`
            variant com.acme.billing.InvoiceService.Status.DRAFT L24-24 in com.acme.billing.InvoiceService.Status sig=`DRAFT`
            variant com.acme.billing.InvoiceService.Status.SENT L24-24 in com.acme.billing.InvoiceService.Status sig=`SENT`
            import java.util.List L3-3 in src/main/java/com/acme/billing/InvoiceService.java sig=`import java.util.List;`
            import com.acme.billing.model.Invoice L4-4 in src/main/java/com/acme/billing/InvoiceService.java sig=`import com.acme.billing.model.Invoice;`
            ref inherit BaseService from com.acme.billing.InvoiceService L7
            ref implement Service from com.acme.billing.InvoiceService L7
            ref implement AutoCloseable from com.acme.billing.InvoiceService L7
            ref type InvoiceRepository from com.acme.billing.InvoiceService L9
            ref type InvoiceRepository from com.acme.billing.InvoiceService.InvoiceService L11
            ref type Invoice from com.acme.billing.InvoiceService.issue L17
            ref type List from com.acme.billing.InvoiceService.issue L17
            ref type Line from com.acme.billing.InvoiceService.issue L17
            ref type Invoice from com.acme.billing.InvoiceService.issue L18
            ref call Invoice from com.acme.billing.InvoiceService.issue L18
            ref call save via repo from com.acme.billing.InvoiceService.issue L19
            ref call validate from com.acme.billing.InvoiceService.issue L20
            ref import java.util.List from src/main/java/com/acme/billing/InvoiceService.java L3
            ref import com.acme.billing.model.Invoice from src/main/java/com/acme/billing/InvoiceService.java L4
            edges: 10 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn c() {
    check(
        "lib/list.c",
        Language::C,
        r#"#include <stdlib.h>
#include "list.h"

#define LIST_MAX 1024
#define list_empty(l) ((l)->head == NULL)

/* A singly linked list node. */
struct node {
	int value;
	struct node *next;
};

typedef struct {
	struct node *head;
	size_t len;
} list_t;

enum color { RED, GREEN };

static int list_count;

/* Pushes a value onto the list. */
int list_push(list_t *l, int value)
{
	struct node *n = malloc(sizeof(*n));
	if (!n)
		return -1;
	n->value = value;
	n->next = l->head;
	l->head = n;
	list_count++;
	return 0;
}

static char *list_name(const list_t *l)
{
	return format_name(l->head);
}
"#,
        expect![[r#"
            macro LIST_MAX L4-4 in lib/list.c sig=`#define LIST_MAX 1024`
            macro list_empty L5-5 in lib/list.c sig=`#define list_empty(l) ((l)->head == NULL)`
            struct node L8-11 in lib/list.c sig=`struct node` doc="A singly linked list node."
            field node.value L9-9 in node sig=`int value;`
            field node.next L10-10 in node sig=`struct node *next;`
            struct list_t L13-16 in lib/list.c sig=`typedef struct`
            field list_t.head L14-14 in list_t sig=`struct node *head;`
            field list_t.len L15-15 in list_t sig=`size_t len;`
            enum color L18-18 in lib/list.c sig=`enum color`
            variant color.RED L18-18 in color sig=`RED`
            variant color.GREEN L18-18 in color sig=`GREEN`
            variable list_count L20-20 in lib/list.c sig=`static int list_count;`
            function list_push L23-33 in lib/list.c sig=`int list_push(list_t *l, int value)` doc="Pushes a value onto the list."
            function list_name L35-38 in lib/list.c sig=`static char *list_name(const list_t *l)`
            import stdlib.h L1-1 in lib/list.c sig=`#include <stdlib.h>`
            import list.h L2-2 in lib/list.c sig=`#include "list.h"`
            ref type node from node.next L10
            ref type node from list_t.head L14
            ref type list_t from list_push L23
            ref type node from list_push L25
            ref call malloc from list_push L25
            ref type list_t from list_name L35
            ref call format_name from list_name L37
            ref import stdlib.h from lib/list.c L1
            ref import list.h from lib/list.c L2
            edges: 16 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn cpp() {
    check(
        "src/geometry/shape.cpp",
        Language::Cpp,
        r#"#include "shape.h"
#include <vector>

namespace geo {

class Shape {
public:
    virtual ~Shape();
    virtual double area() const = 0;
    int id;
};

class Circle : public Shape {
public:
    explicit Circle(double r) : r_(r) {}
    double area() const override { return kPi * r_ * r_; }
private:
    double r_;
};

double total_area(const std::vector<Shape*>& shapes) {
    double sum = 0;
    for (auto* s : shapes) sum += s->area();
    return sum;
}

}  // namespace geo

double geo::Shape::scaled(double k) const {
    return geo::total_area({}) * k;
}
"#,
        expect![[r#"
            namespace geo L4-27 in src/geometry/shape.cpp sig=`namespace geo`
            class geo::Shape L6-11 in geo sig=`class Shape`
            method geo::Shape::~Shape L8-8 in geo::Shape sig=`virtual ~Shape();`
            method geo::Shape::area L9-9 in geo::Shape sig=`virtual double area() const = 0;`
            field geo::Shape::id L10-10 in geo::Shape sig=`int id;`
            class geo::Circle L13-19 in geo sig=`class Circle : public Shape`
            method geo::Circle::Circle L15-15 in geo::Circle sig=`explicit Circle(double r) : r_(r)`
            method geo::Circle::area L16-16 in geo::Circle sig=`double area() const override`
            field geo::Circle::r_ L18-18 in geo::Circle sig=`double r_;`
            function geo::total_area L21-25 in geo sig=`double total_area(const std::vector<Shape*>& shapes)`
            method geo::Shape::scaled L29-31 in src/geometry/shape.cpp sig=`double geo::Shape::scaled(double k) const`
            import shape.h L1-1 in src/geometry/shape.cpp sig=`#include "shape.h"`
            import vector L2-2 in src/geometry/shape.cpp sig=`#include <vector>`
            ref inherit Shape from geo::Circle L13
            ref type vector from geo::total_area L21
            ref type Shape from geo::total_area L21
            ref call area via s from geo::total_area L23
            ref call total_area via geo from geo::Shape::scaled L30
            ref import shape.h from src/geometry/shape.cpp L1
            ref import vector from src/geometry/shape.cpp L2
            edges: 13 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn ruby() {
    check(
        "app/models/order.rb",
        Language::Ruby,
        r#"require_relative "lib/util"
require "json"
module Shop
  # An order.
  class Order < Base
    include Comparable
    def initialize(items)
      @items = items
    end
    def total(x)
      helper(x)
      @items.sum.round
      Util.parse(x)
    end
    def self.build
      new([])
    end
  end
end
def top_level; end
"#,
        expect![[r#"
            module Shop L3-19 in app/models/order.rb sig=`module Shop # An order.`
            class Shop::Order L5-18 in Shop sig=`class Order < Base`
            method Shop::Order::initialize L7-9 in Shop::Order sig=`def initialize(items)`
            method Shop::Order::total L10-14 in Shop::Order sig=`def total(x)`
            method Shop::Order::build L15-17 in Shop::Order sig=`def self.build`
            function top_level L20-20 in app/models/order.rb sig=`def top_level; end`
            import ./lib/util L1-1 in app/models/order.rb sig=`require_relative "lib/util"`
            import json L2-2 in app/models/order.rb sig=`require "json"`
            ref inherit Base from Shop::Order L5
            ref implement Comparable from Shop::Order L6
            ref call helper from Shop::Order::total L11
            ref call sum via @items from Shop::Order::total L12
            ref call round via @items.sum from Shop::Order::total L12
            ref type Util from Shop::Order::total L13
            ref call parse via Util from Shop::Order::total L13
            ref call new from Shop::Order::build L16
            ref import ./lib/util from app/models/order.rb L1
            ref import json from app/models/order.rb L2
            edges: 8 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn php() {
    check(
        "src/Models/User.php",
        Language::Php,
        r#"<?php
namespace App\Models;
use App\Support\Str;
use App\Contracts\{Jsonable, Arrayable as Arr};
require_once __DIR__ . '/helpers.php';
/** A user. */
class User extends Model implements Jsonable {
    use HasName;
    const KIND = 1;
    public function name(int $x): string {
        $this->save();
        Str::slug($x);
        helper($x);
        return new Profile();
    }
}
interface Jsonable { public function toJson(); }
trait HasName {}
function helper($x) { return strtoupper($x); }
enum Suit { case Hearts; }
"#,
        expect![[r#"
            namespace App\Models L2-2 in src/Models/User.php sig=`namespace App\Models;`
            class App\Models\User L7-16 in src/Models/User.php sig=`class User extends Model implements Jsonable` doc="A user."
            constant App\Models\User\KIND L9-9 in App\Models\User sig=`KIND = 1`
            method App\Models\User\name L10-15 in App\Models\User sig=`public function name(int $x): string`
            interface App\Models\Jsonable L17-17 in src/Models/User.php sig=`interface Jsonable`
            method App\Models\Jsonable\toJson L17-17 in App\Models\Jsonable sig=`public function toJson();`
            trait App\Models\HasName L18-18 in src/Models/User.php sig=`trait HasName`
            function App\Models\helper L19-19 in src/Models/User.php sig=`function helper($x)`
            enum App\Models\Suit L20-20 in src/Models/User.php sig=`enum Suit`
            variant App\Models\Suit\Hearts L20-20 in App\Models\Suit sig=`case Hearts;`
            import App\Support\Str L3-3 in src/Models/User.php sig=`use App\Support\Str;`
            import App\Contracts\Jsonable L4-4 in src/Models/User.php sig=`use App\Contracts\{Jsonable, Arrayable as Arr};`
            import App\Contracts\Arrayable L4-4 in src/Models/User.php sig=`use App\Contracts\{Jsonable, Arrayable as Arr};`
            ref inherit Model from App\Models\User L7
            ref implement Jsonable from App\Models\User L7
            ref implement HasName from App\Models\User L8
            ref call save via $this from App\Models\User\name L11
            ref call slug via Str from App\Models\User\name L12
            ref call helper from App\Models\User\name L13
            ref call Profile from App\Models\User\name L14
            ref call strtoupper from App\Models\helper L19
            ref import App\Support\Str from src/Models/User.php L3
            ref import App\Contracts\Jsonable from src/Models/User.php L4
            ref import App\Contracts\Arrayable from src/Models/User.php L4
            edges: 13 contains, 3 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn csharp() {
    check(
        "Services/OrderService.cs",
        Language::CSharp,
        r#"using System;
using App.Models;
namespace App.Services {
    /// <summary>Does things.</summary>
    public class OrderService : BaseService, IService {
        private readonly Repo repo;
        public OrderService(Repo r) { repo = r; }
        public int Total(int x) {
            var o = new Order();
            repo.Save(o);
            Helper(x);
            return Math.Max(x, 1);
        }
        public string Name { get; set; }
    }
    interface IService { void Run(); }
    struct Point { }
    enum Color { Red }
    record Person(string Name);
}
"#,
        expect![[r#"
            namespace App.Services L3-20 in Services/OrderService.cs sig=`namespace App.Services`
            class App.Services.OrderService L5-15 in App.Services sig=`public class OrderService : BaseService, IService` doc="<summary>Does things.</summary>"
            field App.Services.OrderService.repo L6-6 in App.Services.OrderService sig=`Repo repo`
            constructor App.Services.OrderService.OrderService L7-7 in App.Services.OrderService sig=`public OrderService(Repo r)`
            method App.Services.OrderService.Total L8-13 in App.Services.OrderService sig=`public int Total(int x)`
            field App.Services.OrderService.Name L14-14 in App.Services.OrderService sig=`public string Name { get; set; }`
            interface App.Services.IService L16-16 in App.Services sig=`interface IService`
            method App.Services.IService.Run L16-16 in App.Services.IService sig=`void Run();`
            struct App.Services.Point L17-17 in App.Services sig=`struct Point`
            enum App.Services.Color L18-18 in App.Services sig=`enum Color`
            variant App.Services.Color.Red L18-18 in App.Services.Color sig=`Red`
            class App.Services.Person L19-19 in App.Services sig=`record Person(string Name);`
            import System L1-1 in Services/OrderService.cs sig=`using System;`
            import App.Models L2-2 in Services/OrderService.cs sig=`using App.Models;`
            ref inherit BaseService from App.Services.OrderService L5
            ref implement IService from App.Services.OrderService L5
            ref type Repo from App.Services.OrderService L6
            ref type Repo from App.Services.OrderService.OrderService L7
            ref call Order from App.Services.OrderService.Total L9
            ref call Save via repo from App.Services.OrderService.Total L10
            ref call Helper from App.Services.OrderService.Total L11
            ref call Max via Math from App.Services.OrderService.Total L12
            ref import System from Services/OrderService.cs L1
            ref import App.Models from Services/OrderService.cs L2
            edges: 14 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn kotlin() {
    check(
        "src/main/kotlin/com/acme/shop/Order.kt",
        Language::Kotlin,
        r#"package com.acme.shop
import com.acme.util.Strings
import kotlinx.coroutines.*
/** An order. */
class Order(val id: Int) : Base(), Payable {
    fun total(x: Int): Int {
        val s = Strings.pad(x)
        helper(x)
        return repo.save(this)
    }
    companion object {
        fun create() = Order(1)
    }
}
interface Payable {
    fun pay()
}
object Registry {
    fun get() = 1
}
fun helper(x: Int) = x + 1
typealias Id = Int
enum class Color { RED, GREEN }
"#,
        expect![[r#"
            class com.acme.shop.Order L5-14 in src/main/kotlin/com/acme/shop/Order.kt sig=`class Order(val id: Int) : Base(), Payable` doc="An order."
            method com.acme.shop.Order.total L6-10 in com.acme.shop.Order sig=`fun total(x: Int): Int`
            method com.acme.shop.Order.create L12-12 in com.acme.shop.Order sig=`fun create() = Order(1)`
            interface com.acme.shop.Payable L15-17 in src/main/kotlin/com/acme/shop/Order.kt sig=`interface Payable`
            method com.acme.shop.Payable.pay L16-16 in com.acme.shop.Payable sig=`fun pay()`
            class com.acme.shop.Registry L18-20 in src/main/kotlin/com/acme/shop/Order.kt sig=`object Registry`
            method com.acme.shop.Registry.get L19-19 in com.acme.shop.Registry sig=`fun get() = 1`
            function com.acme.shop.helper L21-21 in src/main/kotlin/com/acme/shop/Order.kt sig=`fun helper(x: Int) = x + 1`
            type com.acme.shop.Id L22-22 in src/main/kotlin/com/acme/shop/Order.kt sig=`typealias Id = Int`
            enum com.acme.shop.Color L23-23 in src/main/kotlin/com/acme/shop/Order.kt sig=`enum class Color { RED, GREEN }`
            variant com.acme.shop.Color.RED L23-23 in com.acme.shop.Color sig=`RED`
            variant com.acme.shop.Color.GREEN L23-23 in com.acme.shop.Color sig=`GREEN`
            import com.acme.util.Strings L2-2 in src/main/kotlin/com/acme/shop/Order.kt sig=`import com.acme.util.Strings`
            import kotlinx.coroutines L3-3 in src/main/kotlin/com/acme/shop/Order.kt sig=`import kotlinx.coroutines.*`
            ref type Int from com.acme.shop.Order L5
            ref inherit Base from com.acme.shop.Order L5
            ref implement Payable from com.acme.shop.Order L5
            ref type Int from com.acme.shop.Order.total L6
            ref type Int from com.acme.shop.Order.total L6
            ref call pad via Strings from com.acme.shop.Order.total L7
            ref call helper from com.acme.shop.Order.total L8
            ref call save via repo from com.acme.shop.Order.total L9
            ref call Order from com.acme.shop.Order.create L12
            ref type Int from com.acme.shop.helper L21
            ref type Int from com.acme.shop.Id L22
            ref import com.acme.util.Strings from src/main/kotlin/com/acme/shop/Order.kt L2
            ref import kotlinx.coroutines from src/main/kotlin/com/acme/shop/Order.kt L3
            edges: 14 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn swift() {
    check(
        "Sources/Shop/Order.swift",
        Language::Swift,
        r#"import Foundation
/// An order.
class Order: Base, Payable {
    var id: Int = 0
    init(id: Int) { self.id = id }
    func total(x: Int) -> Int {
        helper(x)
        let r = repo.save(self)
        return Order.make()
    }
    static func make() -> Int { 1 }
}
struct Point { func dist() -> Double { 0 } }
protocol Payable { func pay() }
enum Color { case red }
extension Order { func extra() {} }
func helper(_ x: Int) {}
"#,
        expect![[r#"
            class Order L3-12 in Sources/Shop/Order.swift sig=`class Order: Base, Payable` doc="An order."
            field Order.id L4-4 in Order sig=`var id: Int = 0`
            constructor Order.init L5-5 in Order sig=`init(id: Int)`
            method Order.total L6-10 in Order sig=`func total(x: Int) -> Int`
            method Order.make L11-11 in Order sig=`static func make() -> Int`
            struct Point L13-13 in Sources/Shop/Order.swift sig=`struct Point`
            method Point.dist L13-13 in Point sig=`func dist() -> Double`
            interface Payable L14-14 in Sources/Shop/Order.swift sig=`protocol Payable`
            method Payable.pay L14-14 in Payable sig=`func pay()`
            enum Color L15-15 in Sources/Shop/Order.swift sig=`enum Color`
            variant Color.red L15-15 in Color sig=`case red`
            method Order.extra L16-16 in Order sig=`func extra()`
            function helper L17-17 in Sources/Shop/Order.swift sig=`func helper(_ x: Int)`
            import Foundation L1-1 in Sources/Shop/Order.swift sig=`import Foundation`
            ref inherit Base from Order L3
            ref inherit Payable from Order L3
            ref type Int from Order.id L4
            ref type Int from Order.init L5
            ref type Int from Order.total L6
            ref type Int from Order.total L6
            ref call helper from Order.total L7
            ref call save via repo from Order.total L8
            ref call make via Order from Order.total L9
            ref type Int from Order.make L11
            ref type Double from Point.dist L13
            ref type Order from Sources/Shop/Order.swift L16
            ref type Int from helper L17
            ref import Foundation from Sources/Shop/Order.swift L1
            edges: 14 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn scala() {
    check(
        "src/main/scala/com/acme/shop/Order.scala",
        Language::Scala,
        r#"package com.acme.shop
import com.acme.util.Strings
import scala.collection.mutable.{Map, Set}
/** An order. */
class Order(id: Int) extends Base with Payable {
  def total(x: Int): Int = {
    helper(x)
    repo.save(this)
    Strings.pad(x)
  }
}
object Order { def apply(): Order = new Order(1) }
trait Payable { def pay(): Unit }
case class Point(x: Int) { def +(o: Point): Point = Point(x + o.x) }
def helper(x: Int): Int = x
"#,
        expect![[r#"
            class com.acme.shop.Order L5-11 in src/main/scala/com/acme/shop/Order.scala sig=`class Order(id: Int) extends Base with Payable` doc="An order."
            method com.acme.shop.Order.total L6-10 in com.acme.shop.Order sig=`def total(x: Int): Int`
            class com.acme.shop.Order L12-12 in src/main/scala/com/acme/shop/Order.scala sig=`object Order`
            method com.acme.shop.Order.apply L12-12 in com.acme.shop.Order sig=`def apply(): Order`
            trait com.acme.shop.Payable L13-13 in src/main/scala/com/acme/shop/Order.scala sig=`trait Payable`
            method com.acme.shop.Payable.pay L13-13 in com.acme.shop.Payable sig=`def pay(): Unit`
            class com.acme.shop.Point L14-14 in src/main/scala/com/acme/shop/Order.scala sig=`case class Point(x: Int)`
            method com.acme.shop.Point.+ L14-14 in com.acme.shop.Point sig=`def +(o: Point): Point`
            function com.acme.shop.helper L15-15 in src/main/scala/com/acme/shop/Order.scala sig=`def helper(x: Int): Int`
            import com.acme.util.Strings L2-2 in src/main/scala/com/acme/shop/Order.scala sig=`import com.acme.util.Strings`
            import scala.collection.mutable.{Map, Set} L3-3 in src/main/scala/com/acme/shop/Order.scala sig=`import scala.collection.mutable.{Map, Set}`
            ref type Int from com.acme.shop.Order L5
            ref inherit Base from com.acme.shop.Order L5
            ref type Payable from com.acme.shop.Order L5
            ref type Int from com.acme.shop.Order.total L6
            ref type Int from com.acme.shop.Order.total L6
            ref call helper from com.acme.shop.Order.total L7
            ref call save via repo from com.acme.shop.Order.total L8
            ref call pad via Strings from com.acme.shop.Order.total L9
            ref type Order from com.acme.shop.Order.apply L12
            ref call Order from com.acme.shop.Order.apply L12
            ref type Unit from com.acme.shop.Payable.pay L13
            ref type Int from com.acme.shop.Point L14
            ref type Point from com.acme.shop.Point.+ L14
            ref type Point from com.acme.shop.Point.+ L14
            ref call Point from com.acme.shop.Point.+ L14
            ref type Int from com.acme.shop.helper L15
            ref type Int from com.acme.shop.helper L15
            ref import com.acme.util.Strings from src/main/scala/com/acme/shop/Order.scala L2
            ref import scala.collection.mutable.{Map, Set} from src/main/scala/com/acme/shop/Order.scala L3
            edges: 11 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn lua() {
    check(
        "shop/order.lua",
        Language::Lua,
        r#"local util = require("shop.util")
local M = {}
--- Totals things.
function M.total(x)
  helper(x)
  return util.parse(x)
end
function M:method(y)
  self:other(y)
end
local function helper(x) return x end
function global_fn() end
local f = function() end
return M
"#,
        expect![[r#"
            function total L4-7 in shop/order.lua sig=`function M.total(x)` doc="Totals things."
            method method L8-10 in shop/order.lua sig=`function M:method(y)`
            function helper L11-11 in shop/order.lua sig=`local function helper(x)`
            function global_fn L12-12 in shop/order.lua sig=`function global_fn() end`
            function f L13-13 in shop/order.lua sig=`f = function() end`
            import shop.util L1-1 in shop/order.lua sig=`util = require("shop.util")`
            ref call helper from total L5
            ref call parse via util from total L6
            ref call other via self from method L9
            ref import shop.util from shop/order.lua L1
            edges: 6 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn bash() {
    check(
        "scripts/deploy.sh",
        Language::Bash,
        r#"#!/bin/bash
source ./lib/common.sh
. "$DIR/helpers.sh"
# Builds it.
build() {
  helper "$1"
  make all
}
function deploy {
  build
}
"#,
        expect![[r#"
            function build L5-8 in scripts/deploy.sh sig=`build()` doc="Builds it."
            function deploy L9-11 in scripts/deploy.sh sig=`function deploy`
            import ./lib/common.sh L2-2 in scripts/deploy.sh sig=`source ./lib/common.sh`
            import ./$DIR/helpers.sh L3-3 in scripts/deploy.sh sig=`. "$DIR/helpers.sh"`
            ref call helper from build L6
            ref call make from build L7
            ref call build from deploy L10
            ref import ./lib/common.sh from scripts/deploy.sh L2
            ref import ./$DIR/helpers.sh from scripts/deploy.sh L3
            edges: 4 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn elixir() {
    check(
        "lib/shop/order.ex",
        Language::Elixir,
        r#"defmodule Shop.Order do
  @moduledoc "Orders."
  alias Shop.Repo
  import Ecto.Query
  @doc "Total."
  def total(order, x) do
    helper(x)
    Repo.insert(order)
    String.upcase(x)
  end
  defp helper(x), do: x
  defmacro m(x), do: x
end
defprotocol Shop.Payable do
  def pay(x)
end
"#,
        expect![[r#"
            module Shop.Order L1-13 in lib/shop/order.ex sig=`defmodule Shop.Order do`
            function Shop.Order.total L6-10 in Shop.Order sig=`def total(order, x) do`
            function Shop.Order.helper L11-11 in Shop.Order sig=`defp helper(x), do: x`
            macro Shop.Order.m L12-12 in Shop.Order sig=`defmacro m(x), do: x`
            module Shop.Payable L14-16 in lib/shop/order.ex sig=`defprotocol Shop.Payable do`
            function Shop.Payable.pay L15-15 in Shop.Payable sig=`def pay(x)`
            import Shop.Repo L3-3 in Shop.Order sig=`alias Shop.Repo`
            import Ecto.Query L4-4 in Shop.Order sig=`import Ecto.Query`
            ref type Shop.Repo from Shop.Order L3
            ref type Ecto.Query from Shop.Order L4
            ref call helper from Shop.Order.total L7
            ref type Repo from Shop.Order.total L8
            ref call insert via Repo from Shop.Order.total L8
            ref type String from Shop.Order.total L9
            ref call upcase via String from Shop.Order.total L9
            ref import Shop.Repo from Shop.Order L3
            ref import Ecto.Query from Shop.Order L4
            edges: 8 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn haskell() {
    check(
        "src/Shop/Order.hs",
        Language::Haskell,
        r#"module Shop.Order (Order(..), total) where
import qualified Data.Map as M
import Shop.Util (parse)
-- | An order.
data Order = Order { items :: [Int], note, tag :: String }
class Payable a where
  pay :: a -> Int
instance Payable Order where
  pay o = total o
total :: Order -> Int
total o = helper (sum (items o))
helper x = M.size x
type Id = Int
newtype Wrap = Wrap Int
"#,
        expect![[r#"
            struct Shop.Order.Order L5-5 in src/Shop/Order.hs sig=`data Order = Order { items :: [Int], note, tag :: String }`
            variant Shop.Order.Order.Order L5-5 in Shop.Order.Order sig=`Order { items :: [Int], note, tag :: String }`
            field Shop.Order.Order.items L5-5 in Shop.Order.Order sig=`items :: [Int]`
            field Shop.Order.Order.note L5-5 in Shop.Order.Order sig=`note, tag :: String`
            field Shop.Order.Order.tag L5-5 in Shop.Order.Order sig=`note, tag :: String`
            trait Shop.Order.Payable L6-7 in src/Shop/Order.hs sig=`class Payable a where`
            method Shop.Order.Payable.pay L7-7 in Shop.Order.Payable sig=`pay :: a -> Int`
            function Shop.Order.total L11-11 in src/Shop/Order.hs sig=`total o = helper (sum (items o))`
            function Shop.Order.helper L12-12 in src/Shop/Order.hs sig=`helper x = M.size x`
            type Shop.Order.Id L13-13 in src/Shop/Order.hs sig=`type Id = Int`
            struct Shop.Order.Wrap L14-14 in src/Shop/Order.hs sig=`newtype Wrap = Wrap Int`
            import Data.Map L2-2 in src/Shop/Order.hs sig=`import qualified Data.Map as M`
            import Shop.Util L3-3 in src/Shop/Order.hs sig=`import Shop.Util (parse)`
            ref type Int from Shop.Order.Payable.pay L7
            ref implement Payable from src/Shop/Order.hs L8
            ref call total from src/Shop/Order.hs L9
            ref type Order from src/Shop/Order.hs L10
            ref type Int from src/Shop/Order.hs L10
            ref call helper from Shop.Order.total L11
            ref call sum from Shop.Order.total L11
            ref call items from Shop.Order.total L11
            ref call size via M from Shop.Order.helper L12
            ref import Data.Map from src/Shop/Order.hs L2
            ref import Shop.Util from src/Shop/Order.hs L3
            edges: 13 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn dart() {
    check(
        "lib/order.dart",
        Language::Dart,
        r#"import 'package:shop/util.dart';
import 'src/models.dart' as models;
/// An order.
class Order extends Base with Mixin implements Payable {
  final int id;
  Order(this.id);
  int total(int x) {
    helper(x);
    repo.save(this);
    return Util.parse(x);
  }
}
mixin Mixin {}
abstract class Payable { void pay(); }
enum Color { red }
extension OrderX on Order { int extra() => 1; }
int helper(int x) { int twice(int y) => y * 2; return twice(x); }
typedef Cb = void Function();
"#,
        expect![[r#"
            class Order L4-12 in lib/order.dart sig=`class Order extends Base with Mixin implements Payable` doc="An order."
            field Order.id L5-5 in Order sig=`final int id;`
            constructor Order.Order L6-6 in Order sig=`Order(this.id);`
            method Order.total L7-11 in Order sig=`int total(int x)`
            trait Mixin L13-13 in lib/order.dart sig=`mixin Mixin`
            class Payable L14-14 in lib/order.dart sig=`abstract class Payable`
            method Payable.pay L14-14 in Payable sig=`void pay();`
            enum Color L15-15 in lib/order.dart sig=`enum Color`
            variant Color.red L15-15 in Color sig=`red`
            class OrderX L16-16 in lib/order.dart sig=`extension OrderX on Order`
            method OrderX.extra L16-16 in OrderX sig=`int extra()`
            function helper L17-17 in lib/order.dart sig=`int helper(int x)`
            function helper.twice L17-17 in helper sig=`int twice(int y) => y * 2;`
            type Cb L18-18 in lib/order.dart sig=`typedef Cb = void Function();`
            import package:shop/util.dart L1-1 in lib/order.dart sig=`import 'package:shop/util.dart';`
            import src/models.dart L2-2 in lib/order.dart sig=`import 'src/models.dart' as models;`
            ref inherit Base from Order L4
            ref implement Mixin from Order L4
            ref implement Payable from Order L4
            ref type int from Order.id L5
            ref type int from Order.total L7
            ref type int from Order.total L7
            ref call helper from Order.total L8
            ref call save via repo from Order.total L9
            ref call parse via Util from Order.total L10
            ref type Order from OrderX L16
            ref type int from OrderX.extra L16
            ref type int from helper L17
            ref type int from helper L17
            ref type int from helper.twice L17
            ref type int from helper.twice L17
            ref call twice from helper L17
            ref import package:shop/util.dart from lib/order.dart L1
            ref import src/models.dart from lib/order.dart L2
            edges: 16 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn zig() {
    check(
        "src/order.zig",
        Language::Zig,
        r#"const std = @import("std");
const util = @import("util.zig");
/// An order.
pub const Order = struct {
    id: u32,
    pub fn total(self: *Order, x: u32) u32 {
        _ = helper(x);
        return util.parse(x) + self.other();
    }
};
const Color = enum { red };
fn helper(x: u32) u32 { return x; }
test "total" { _ = helper(1); }
"#,
        expect![[r#"
            struct Order L4-10 in src/order.zig sig=`pub const Order = struct` doc="An order."
            field Order.id L5-5 in Order sig=`id: u32`
            method Order.total L6-9 in Order sig=`pub fn total(self: *Order, x: u32) u32`
            enum Color L11-11 in src/order.zig sig=`const Color = enum { red };`
            variant Color.red L11-11 in Color sig=`red`
            function helper L12-12 in src/order.zig sig=`fn helper(x: u32) u32`
            function total L13-13 in src/order.zig sig=`test "total" { _ = helper(1); }`
            import ./std L1-1 in src/order.zig sig=`const std = @import("std");`
            import ./util.zig L2-2 in src/order.zig sig=`const util = @import("util.zig");`
            ref call helper from Order.total L7
            ref call parse via util from Order.total L8
            ref call other via self from Order.total L8
            ref call helper from total L13
            ref import ./std from src/order.zig L1
            ref import ./util.zig from src/order.zig L2
            edges: 9 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn syntax_errors_keep_what_parsed() {
    check(
        "broken.py",
        Language::Python,
        "def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass Fine:\n    pass\n",
        expect![[r#"
            function broken.ok L1-2 in broken.py sig=`def ok()`
            function broken.broken L4-5 in broken.py sig=`def broken(`
            class broken.Fine L7-8 in broken.py sig=`class Fine`
            edges: 3 contains, 0 imports; syntax errors: true
        "#]],
    );
}

#[test]
fn interface_overloads_are_one_method() {
    let source = "interface SchedulerLike {\n  schedule(work: () => void): Sub;\n  schedule(work: () => void, delay: number): Sub;\n  now(): number;\n}\n";
    let graph = codegraph_parser::parse_file("types.ts", source, Language::TypeScript);
    let names: Vec<&str> = graph.nodes[1..]
        .iter()
        .map(|n| n.qualified_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "SchedulerLike",
            "SchedulerLike.schedule",
            "SchedulerLike.now"
        ]
    );
}

#[test]
fn commonjs_functions_in_object_literals_are_definitions() {
    let source = "module.exports = {\n  parse: function (x) { return x; },\n  'format': (x) => x,\n  helper() { return 1; },\n  size: 3,\n};\nexports.load = function () {};\n";
    let graph = codegraph_parser::parse_file("lib/util.js", source, Language::JavaScript);
    let mut names: Vec<(String, String)> = graph.nodes[1..]
        .iter()
        .map(|n| (n.kind.to_string(), n.name.clone()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("function", "format"),
            ("function", "load"),
            ("function", "parse"),
            ("method", "helper"),
        ]
        .map(|(k, n)| (k.to_string(), n.to_string()))
    );
}

#[test]
fn cpp_template_specializations_are_definitions() {
    let source = "template <class T> struct feature_of { };\ntemplate <> struct feature_of<int> { int x; };\nnamespace a { template <class T> class B<T*> { void f(); }; }\n";
    let graph = codegraph_parser::parse_file("acc.hpp", source, Language::Cpp);
    assert_defines(
        &graph,
        &[
            "struct feature_of L1",
            "struct feature_of L2",
            "field feature_of::x L2",
            "class a::B L3",
            "method a::B::f L3",
        ],
    );
}

/// Asserts `graph` has each definition, written "kind qualified::name L<line>".
fn assert_defines(graph: &codegraph_core::FileGraph, wanted: &[&str]) {
    let found: Vec<String> = graph.nodes[1..]
        .iter()
        .map(|n| format!("{} {} L{}", n.kind, n.qualified_name, n.span.start_line))
        .collect();
    for want in wanted {
        assert!(found.iter().any(|f| f == want), "{want} not in {found:?}");
    }
}

#[test]
fn c_and_cpp_functions_with_trailing_annotation_macros_are_definitions() {
    let source = "namespace n {\nclass Foo {\npublic:\n    int size() const BOOST_NOEXCEPT { return count(); }\n    void clear() BOOST_NOEXCEPT_OR_NOTHROW { }\n    bool operator==(Foo const&) const BOOST_NOEXCEPT_IF(true) { return true; }\n};\nBOOST_FORCEINLINE void free_fn(int a) BOOST_NOEXCEPT { }\n}\n";
    let graph = codegraph_parser::parse_file("foo.hpp", source, Language::Cpp);
    assert_defines(
        &graph,
        &[
            "method n::Foo::size L4",
            "method n::Foo::clear L5",
            "method n::Foo::operator== L6",
            "function n::free_fn L8",
        ],
    );
    // The signature is the file's text, macro and all; the call in the
    // body is still found.
    let size = graph.nodes.iter().find(|n| n.name == "size").unwrap();
    assert_eq!(
        size.signature.as_deref(),
        Some("int size() const BOOST_NOEXCEPT")
    );
    assert!(graph.refs.iter().any(|r| r.name == "count"));

    let c = "static void unlock(struct lock *l)\n\t__releases(l)\n{\n\trelease(l);\n}\n";
    let graph = codegraph_parser::parse_file("lock.c", c, Language::C);
    assert!(
        graph
            .nodes
            .iter()
            .any(|n| n.name == "unlock" && n.kind.to_string() == "function"),
        "{:?}",
        graph.nodes
    );
}

#[test]
fn a_function_after_lower_case_declaration_macros_without_a_semicolon_is_a_definition() {
    // How a kernel driver ends, and where an appended function goes.
    let source = "static void __exit uio_exit(void)\n{\n}\n\nmodule_init(uio_init)\nmodule_exit(uio_exit)\nMODULE_LICENSE(\"GPL v2\");\n\nint probe(void)\n{\n\treturn 0;\n}\n\nshow_reg(pwm)\n\nstatic ssize_t\nstore_reg(int v)\n{\n\treturn v;\n}\n";
    let graph = codegraph_parser::parse_file("uio.c", source, Language::C);
    assert_defines(
        &graph,
        &[
            "function uio_exit L1",
            "function probe L9",
            "function store_reg L16",
        ],
    );
    // The macros are no functions.
    assert!(
        !graph
            .nodes
            .iter()
            .any(|n| n.name == "show_reg" || n.name == "module_exit"),
        "{:?}",
        graph.nodes
    );
}

#[test]
fn the_type_an_impl_block_is_for_is_referenced_from_where_the_block_stands() {
    let source = "pub struct P;\n\nimpl P {\n    fn f(&self) {}\n}\n\nmod m {\n    impl super::P {\n        fn g(&self) {}\n    }\n}\n";
    let graph = codegraph_parser::parse_file("src/lib.rs", source, Language::Rust);
    let module = graph.nodes.iter().find(|n| n.name == "m").unwrap().id;
    let sites: Vec<(u32, bool, bool)> = graph
        .refs
        .iter()
        .filter(|r| r.name == "P" && r.kind == codegraph_core::RefKind::Type)
        .map(|r| (r.line, r.from == graph.nodes[0].id, r.from == module))
        .collect();
    // Line 3 from the file, line 8 from module `m`: not from `P` itself.
    assert_eq!(
        sites,
        [(3, true, false), (8, false, true)],
        "{:?}",
        graph.refs
    );
}

/// C is matched by a hand-written walk instead of its query (for speed);
/// the two must find exactly the same, on every rule and its edge cases.
#[test]
fn the_c_walk_finds_what_the_c_query_finds() {
    let source = r#"#include <stdio.h>
#include "local.h"
#include MACRO_PATH
#define A 1
#define F(x) ((x) + 1)
struct s { int a, b; char name[8]; void (*cb)(int); struct s *next, **pp; };
struct fwd;
union u { int i; float f; };
enum e { E1, E2 = 3 };
typedef struct { int x; } anon_t, *anon_p;
typedef union { int i; } anon_u;
typedef enum { Z } anon_e;
typedef struct named { int y; } named_t;
typedef int myint, *myintp;
typedef void (*handler_t)(int);
int top, *ptop, arr[3], init = 1, *pinit = 0, ainit[2] = {0}, **pp;
int arr2[3]; int init2 = 1; int *pinit2 = 0; int ainit2[2] = {0}; int *ptop2;
static const char *names[] = { "a" };
int f(int a) { int local = 1; struct s v; return g(a) + v.cb(local); }
char *p(void) { return ((struct s *)0)->next->cb(1); }
char **pp2(void) { return 0; }
static void (*signal_like(int sig))(int) { return 0; }
int broken( { h(1); size_t n = sizeof(struct s); }
void k(void) { obj->ops->run(obj, (mytype_t)2); F(3); }
"#;
    let walked = codegraph_parser::parse_file("x.c", source, Language::C);
    let queried = codegraph_parser::parse_file_by_query("x.c", source, Language::C);
    assert_eq!(walked, queried);
    let names: Vec<&str> = walked.nodes.iter().map(|n| n.name.as_str()).collect();
    for name in [
        "A",
        "F",
        "s",
        "cb",
        "next",
        "u",
        "e",
        "E2",
        "anon_t",
        "anon_u",
        "anon_e",
        "named",
        "named_t",
        "myint",
        "handler_t",
        "top",
        "arr2",
        "init2",
        "pinit2",
        "ainit2",
        "f",
        "p",
        "pp2",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let refs: Vec<&str> = walked.refs.iter().map(|r| r.name.as_str()).collect();
    for name in ["g", "cb", "run", "h", "mytype_t", "stdio.h", "local.h"] {
        assert!(refs.contains(&name), "{name} missing from {refs:?}");
    }
    for fixture in ["log.c", "main.c", "store.c", "store.h", "log.h"] {
        let path = format!(
            "{}/../codegraph/tests/fixtures/calls-c/src/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert_eq!(
            codegraph_parser::parse_file(&path, &text, Language::C),
            codegraph_parser::parse_file_by_query(&path, &text, Language::C),
            "{path}"
        );
    }
}

/// A declaration of several names defines each of them, as ctags has them:
/// `int a, b;`, a struct's `int x, y;`, a typedef's two names, Go's
/// `X, Y int` fields and `var a, b = ...`.
/// C's hand-written walk finds what its query does on `source`.
fn assert_walk_is_the_query(path: &str, source: &str, walked: &FileGraph) {
    let queried = codegraph_parser::parse_file_by_query(path, source, Language::C);
    assert_eq!(render(walked), render(&queried));
}

#[test]
fn c_annotation_macros_in_declarations_name_nothing() {
    // The kernel's sparse and section markers sit where C has no name to
    // spare; each declaration defines its own name, and none of theirs.
    let c = "static int __init setup(void) { return probe(1); }
static void __iomem *base;
static const char id[] __initconst = \"x\";
int count __read_mostly;
struct pkt {
\tu32 __reserved;
\tunsigned long __flags;
\tchar data[4] __aligned(4);
} __packed;
static __always_inline int fast(struct pkt *p) { return __helper(p); }
ssize_t dev_read(char __user *buf, size_t n) { void __iomem *reg = base; return n; }
static void *cache;
static void __free_pages(struct page *page) { }
static const char * const names[] = { \"a\" };
char *slots[4];
";
    let graph = codegraph_parser::parse_file("ann.c", c, Language::C);
    assert_defines(
        &graph,
        &[
            "function setup L1",
            "variable base L2",
            "variable id L3",
            "variable count L4",
            "struct pkt L5",
            "field pkt.__reserved L6",
            "field pkt.__flags L7",
            "field pkt.data L8",
            "function fast L10",
            "function dev_read L11",
            "variable cache L12",
            "function __free_pages L13",
            "variable names L14",
            "variable slots L15",
        ],
    );
    let names: Vec<&str> = graph.nodes.iter().map(|n| n.name.as_str()).collect();
    for annotation in [
        "__init",
        "__iomem",
        "__initconst",
        "__read_mostly",
        "__packed",
        "__aligned",
        "__always_inline",
        "__user",
    ] {
        assert!(!names.contains(&annotation), "{annotation} in {names:?}");
    }
    // The signature is still the file's own text.
    let count = graph.nodes.iter().find(|n| n.name == "count").unwrap();
    assert_eq!(count.signature.as_deref(), Some("int count __read_mostly;"));
    // Calls around the annotations are still found.
    let calls: Vec<&str> = graph.refs.iter().map(|r| r.name.as_str()).collect();
    assert!(
        calls.contains(&"probe") && calls.contains(&"__helper"),
        "{calls:?}"
    );
    assert_walk_is_the_query("ann.c", c, &graph);

    // C++ keeps pointer and array variables at file and namespace scope.
    let cpp = "static Foo *instance;\nint table[4];\nnamespace n {\nstatic Baz *cache = nullptr;\nBar *make();\n}\n";
    let graph = codegraph_parser::parse_file("v.cpp", cpp, Language::Cpp);
    assert_defines(
        &graph,
        &[
            "variable instance L1",
            "variable table L2",
            "variable n::cache L4",
        ],
    );
    assert!(
        !graph.nodes.iter().any(|n| n.name == "make"),
        "a declaration of a function is no variable"
    );
}

#[test]
fn every_name_of_a_declaration_is_defined() {
    let c = "int count, total;\nstruct point { int x, y; };\ntypedef unsigned int u32, uint32;\ntypedef struct { int w; } size2;\n";
    let graph = codegraph_parser::parse_file("decl.c", c, Language::C);
    assert_defines(
        &graph,
        &[
            "variable count L1",
            "variable total L1",
            "field point.x L2",
            "field point.y L2",
            "type u32 L3",
            "type uint32 L3",
            "struct size2 L4",
            "field size2.w L4",
        ],
    );
    // Each name once: one definition per name and place.
    let names: Vec<&str> = graph.nodes[1..].iter().map(|n| n.name.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "{names:?}");
    // The walk and the query agree on it too.
    assert_walk_is_the_query("decl.c", c, &graph);

    let go = "package p\n\ntype Point struct {\n\tX, Y int\n}\n\nvar a, b = 1, 2\n";
    let graph = codegraph_parser::parse_file("p.go", go, Language::Go);
    assert_defines(
        &graph,
        &[
            "field p.Point.X L4",
            "field p.Point.Y L4",
            "variable p.a L7",
            "variable p.b L7",
        ],
    );
}
