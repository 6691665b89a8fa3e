pub struct AuditLog {
    pub id : Uuid ,
    pub action : String ,
    pub flow_id : Option < Uuid > ,
    pub status : FlowRunStatus ,
    pub created_at : DateTime < Utc > ,
}
# [doc = "Typed column handles of `audit_logs`."] # [allow (non_upper_case_globals , unused_imports)] pub mod audit_logs {
    use super :: * ;
    # [doc (hidden)] pub const __COLUMNS : & 'static [:: invect_runtime :: __private :: invect_schema :: ColumnDef] = & [:: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("id") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Uuid ,
        nullable : false ,
        default : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: DefaultValue :: Uuid) ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("action") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: String {
            max_length : :: core :: option :: Option :: Some (80u32)
        } ,
        nullable : false ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("flow_id") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Uuid ,
        nullable : true ,
        default : :: core :: option :: Option :: None ,
        unique : false ,
        references : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: ForeignKey {
            table : :: std :: borrow :: Cow :: Borrowed (<< flows :: id as :: invect_runtime :: Column > :: Table as :: invect_runtime :: Table > :: NAME) ,
            column : :: std :: borrow :: Cow :: Borrowed (< flows :: id as :: invect_runtime :: Column > :: NAME) ,
            on_delete : :: invect_runtime :: __private :: invect_schema :: OnDelete :: SetNull ,
        }) ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("status") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Enum (< FlowRunStatus as :: invect_runtime :: InvectEnum > :: ENUM_DEF) ,
        nullable : false ,
        default : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: DefaultValue :: Str (:: std :: borrow :: Cow :: Borrowed ("PENDING"))) ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("created_at") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: Date ,
        nullable : false ,
        default : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: DefaultValue :: Now) ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    }] ;
    # [doc (hidden)] pub static __TABLE : :: invect_runtime :: __private :: invect_schema :: TableDef = :: invect_runtime :: __private :: invect_schema :: TableDef {
        name : :: std :: borrow :: Cow :: Borrowed ("audit_logs") ,
        columns : :: std :: borrow :: Cow :: Borrowed (__COLUMNS) ,
        primary_key : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("id")]) ,
        indexes : :: std :: borrow :: Cow :: Borrowed (& [:: invect_runtime :: __private :: invect_schema :: IndexDef {
            columns : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("action")]) ,
            unique : false
        }]) ,
        order : 100i32 ,
        renamed_from : :: core :: option :: Option :: None ,
    } ;
    # [doc = "Column `id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct id ;
    impl :: invect_runtime :: Column for id {
        type Table = AuditLog ;
        type Value = Uuid ;
        type Param = Uuid ;
        const NAME : & 'static str = "id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [0usize] ;
    }
    # [doc = "Column `action`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct action ;
    impl :: invect_runtime :: Column for action {
        type Table = AuditLog ;
        type Value = String ;
        type Param = String ;
        const NAME : & 'static str = "action" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [1usize] ;
    }
    # [doc = "Column `flow_id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct flow_id ;
    impl :: invect_runtime :: Column for flow_id {
        type Table = AuditLog ;
        type Value = Option < Uuid > ;
        type Param = Uuid ;
        const NAME : & 'static str = "flow_id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [2usize] ;
    }
    # [doc = "Column `status`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct status ;
    impl :: invect_runtime :: Column for status {
        type Table = AuditLog ;
        type Value = FlowRunStatus ;
        type Param = FlowRunStatus ;
        const NAME : & 'static str = "status" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [3usize] ;
    }
    # [doc = "Column `created_at`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct created_at ;
    impl :: invect_runtime :: Column for created_at {
        type Table = AuditLog ;
        type Value = DateTime < Utc > ;
        type Param = DateTime < Utc > ;
        const NAME : & 'static str = "created_at" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [4usize] ;
    }
}
# [doc = "A new row of `audit_logs` for `insert`; defaulted columns may be left `None`."] # [derive (Debug , Clone , Default)] pub struct NewAuditLog {
    # [doc = "`None` uses the column's default."] pub id : :: core :: option :: Option < Uuid > ,
    # [doc = ""] pub action : String ,
    # [doc = ""] pub flow_id : Option < Uuid > ,
    # [doc = "`None` uses the column's default."] pub status : :: core :: option :: Option < FlowRunStatus > ,
    # [doc = "`None` uses the column's default."] pub created_at : :: core :: option :: Option < DateTime < Utc > > ,
}
const _ : fn () = :: invect_runtime :: __private :: same_type :: << flows :: id as :: invect_runtime :: Column > :: Param , Uuid > ;
const _ : () = :: core :: assert ! (:: invect_runtime :: __private :: has_variant (< FlowRunStatus as :: invect_runtime :: InvectEnum > :: VARIANTS , "PENDING") , "default \"PENDING\" of column `status` is not a stored name of enum `FlowRunStatus`; use a variant's stored name (its name after #[invect(rename_all)] or #[invect(rename)])") ;
impl :: invect_runtime :: Table for AuditLog {
    type New = NewAuditLog ;
    type Key = Uuid ;
    const NAME : & 'static str = "audit_logs" ;
    const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: TableDef = & audit_logs :: __TABLE ;
    # [inline] fn prepare_new (new : & mut NewAuditLog , d : & dyn :: invect_runtime :: __private :: invect_schema :: Dialect) {
        if d . client_generates_uuid () && new . id . is_none () {
            new . id = :: core :: option :: Option :: Some (:: invect_runtime :: __private :: uuid :: Uuid :: new_v4 ()) ;
        }
    }
    # [inline] fn bind_new (new : & NewAuditLog , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        let columns = & < Self as :: invect_runtime :: Table > :: DEF . columns ;
        args . push_column (& new . id , & columns [0usize]) ? ;
        args . push_column (& new . action , & columns [1usize]) ? ;
        args . push_column (& new . flow_id , & columns [2usize]) ? ;
        args . push_column (& new . status , & columns [3usize]) ? ;
        args . push_column (& new . created_at , & columns [4usize]) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn new_key (new : & NewAuditLog) -> :: core :: option :: Option < Self :: Key > {
        new . id . clone ()
    }
    # [inline] fn bind_key (key : & Self :: Key , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        args . push (key) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn bind_new_column (new : & NewAuditLog , column : usize , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        match column {
            0usize => args . push (& new . id) ,
            1usize => args . push (& new . action) ,
            2usize => args . push (& new . flow_id) ,
            3usize => args . push (& new . status) ,
            4usize => args . push (& new . created_at) ,
            _ => :: core :: result :: Result :: Ok (()) ,
        }
    }
    # [inline] fn key (& self) -> Self :: Key {
        :: core :: clone :: Clone :: clone (& self . id)
    }
    # [inline] fn bind_update (& self , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        let columns = & < Self as :: invect_runtime :: Table > :: DEF . columns ;
        args . push_column (& self . action , & columns [1usize]) ? ;
        args . push_column (& self . flow_id , & columns [2usize]) ? ;
        args . push_column (& self . status , & columns [3usize]) ? ;
        args . push_column (& self . created_at , & columns [4usize]) ? ;
        args . push (& self . id) ? ;
        :: core :: result :: Result :: Ok (())
    }
    # [inline] fn decode (row : :: invect_runtime :: RowRef < '_ >) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: result :: Result :: Ok (Self {
            id : row . get (0usize) ? ,
            action : row . get (1usize) ? ,
            flow_id : row . get (2usize) ? ,
            status : row . get (3usize) ? ,
            created_at : row . get (4usize) ? ,
        })
    }
    # [inline] fn from_insert (new : NewAuditLog , generated : :: core :: option :: Option < :: invect_runtime :: RowRef < '_ >>) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        let generated = generated . ok_or (:: invect_runtime :: __private :: SqlxError :: RowNotFound) ? ;
        :: core :: result :: Result :: Ok (Self {
            id : generated . get (0usize) ? ,
            action : :: invect_runtime :: value :: CheckValue :: into_stored (new . action) ,
            flow_id : :: invect_runtime :: value :: CheckValue :: into_stored (new . flow_id) ,
            status : generated . get (1usize) ? ,
            created_at : generated . get (2usize) ? ,
        })
    }
}
