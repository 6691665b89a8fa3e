pub struct FlowTenant {
    pub tenant_id : String ,
    pub external_ref : Option < String > ,
}
# [doc = "Typed column handles of `flow_tenant`."] # [allow (non_upper_case_globals , unused_imports)] pub mod flow_tenant {
    use super :: * ;
    # [doc (hidden)] pub const __COLUMNS : & 'static [:: invect_runtime :: __private :: invect_schema :: ColumnDef] = & [:: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("tenant_id") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: String {
            max_length : :: core :: option :: Option :: None
        } ,
        nullable : false ,
        default : :: core :: option :: Option :: Some (:: invect_runtime :: __private :: invect_schema :: DefaultValue :: Str (:: std :: borrow :: Cow :: Borrowed ("acme"))) ,
        unique : false ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    } , :: invect_runtime :: __private :: invect_schema :: ColumnDef {
        name : :: std :: borrow :: Cow :: Borrowed ("external_ref") ,
        ty : :: invect_runtime :: __private :: invect_schema :: ColumnType :: String {
            max_length : :: core :: option :: Option :: None
        } ,
        nullable : true ,
        default : :: core :: option :: Option :: None ,
        unique : true ,
        references : :: core :: option :: Option :: None ,
        renamed_from : :: core :: option :: Option :: None ,
    }] ;
    # [doc (hidden)] pub static __EXTENSION : :: invect_runtime :: __private :: invect_schema :: Extension = :: invect_runtime :: __private :: invect_schema :: Extension {
        table : :: std :: borrow :: Cow :: Borrowed (< Flow as :: invect_runtime :: Table > :: NAME) ,
        columns : :: std :: borrow :: Cow :: Borrowed (__COLUMNS) ,
        indexes : :: std :: borrow :: Cow :: Borrowed (& [:: invect_runtime :: __private :: invect_schema :: IndexDef {
            columns : :: std :: borrow :: Cow :: Borrowed (& [:: std :: borrow :: Cow :: Borrowed ("tenant_id")]) ,
            unique : false
        }]) ,
    } ;
    # [doc = "Column `tenant_id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct tenant_id ;
    impl :: invect_runtime :: Column for tenant_id {
        type Table = Flow ;
        type Value = String ;
        type Param = String ;
        const NAME : & 'static str = "tenant_id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [0usize] ;
    }
    # [doc = "Column `external_ref`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct external_ref ;
    impl :: invect_runtime :: Column for external_ref {
        type Table = Flow ;
        type Value = Option < String > ;
        type Param = String ;
        const NAME : & 'static str = "external_ref" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & __COLUMNS [1usize] ;
    }
}
impl :: invect_runtime :: TableExtension for FlowTenant {
    type Target = Flow ;
    const EXTENSION : & 'static :: invect_runtime :: __private :: invect_schema :: Extension = & flow_tenant :: __EXTENSION ;
    fn bind (& self , args : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        let columns = & < Self as :: invect_runtime :: TableExtension > :: EXTENSION . columns ;
        args . push_column (& self . tenant_id , & columns [0usize]) ? ;
        args . push_column (& self . external_ref , & columns [1usize]) ? ;
        :: core :: result :: Result :: Ok (())
    }
    fn decode (row : :: invect_runtime :: RowRef < '_ >) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: result :: Result :: Ok (Self {
            tenant_id : row . get (0usize) ? ,
            external_ref : row . get (1usize) ? ,
        })
    }
}
# [allow (dead_code)] impl FlowTenant {
    # [doc = r" The added columns of the target row with this key, if the row exists."] pub async fn get (db : impl :: invect_runtime :: Executor , key : & < Flow as :: invect_runtime :: Table > :: Key) -> :: invect_runtime :: Result < :: core :: option :: Option < Self >> {
        :: invect_runtime :: query :: extension_get :: < Self > (db , key) . await
    }
    # [doc = r" Writes the added columns of the target row with this key; returns the rows matched."] pub async fn set (db : impl :: invect_runtime :: Executor , key : & < Flow as :: invect_runtime :: Table > :: Key , value : & Self) -> :: invect_runtime :: Result < u64 > {
        :: invect_runtime :: query :: extension_set :: < Self > (db , key , value) . await
    }
}
